import { greeting, MAIL_SUBJECT_MAX, oneLine } from './outbox.js';
import type { TicketDoc } from '../db/models/ticket.js';
import { knowledgeIndex } from './knowledge-index.js';
import type { DomainDeps } from './deps.js';
import { agentMailId, composeAgentMail } from './agent-mail.js';
import { surveyLinks } from './csat.js';
import { DomainError } from './errors.js';
import { changeTicket, type ChangeOutcome } from './ticket-changes.js';
import { ticketForForm } from './tickets.js';
import { OPEN_STATUSES, STATUS_LABELS, type Status, type Actor } from './types.js';

export interface ResolveInput {
  ticketId: string;
  actor: Actor;
  /** What was done. */
  summary: string;
  /** How the requester can check that it works. */
  verify: string;
  /** The modal's view id: one resolution (and one mail) per submission. */
  requestKey: string;
  /** Email the requester (default). A ticket with no customer behind it (opened by `/support incident`) is resolved silently. */
  mail?: boolean;
  /** Why the requester is not emailed, said on the timeline (with `mail: false`). */
  notMailedBecause?: string;
  /** The outbox kind of the mail: an incident's resolution counts as automatic mail (MAIL_AUTO_MAX_PER_HOUR). */
  mailKind?: string;
}

function statusWord(status: Status): string {
  return STATUS_LABELS[status].toLowerCase();
}

export function resolutionMailBody(
  ticket: TicketDoc,
  input: Pick<ResolveInput, 'summary' | 'verify'>,
  links: Array<{ score: number; label: string; url: string }>,
  autoCloseDays: number,
): string {
  const days = autoCloseDays === 1 ? '1 day' : `${autoCloseDays} days`;
  return [
    greeting(ticket),
    '',
    `We have resolved your request ${ticket.key} ("${oneLine(ticket.subject, MAIL_SUBJECT_MAX)}").`,
    '',
    'What we did:',
    input.summary.trim(),
    '',
    'How to check that it works for you:',
    input.verify.trim(),
    '',
    `Please let us know whether this solves it for you. If anything is still not right, just reply to this email and we will pick the ticket up again. If we do not hear from you within ${days}, we will close the ticket.`,
    '',
    'One question before you go: how satisfied are you with the support you received? Pick an answer, then confirm it on the page that opens:',
    '',
    ...links.map((l) => `${l.score} - ${l.label}: ${l.url}`),
    '',
    'Best regards,',
  ].join('\n');
}

/**
 * Resolves an open ticket: stores the summary, emails the requester what was done, how to verify it, a
 * request to confirm and the satisfaction survey. A resolution is also a response to the requester.
 */
/** Why resolving this ticket is refused, or undefined while it is open. */
export function resolutionRefusal(ticket: { key: string; status: string }): string | undefined {
  const status = ticket.status as Status;
  return OPEN_STATUSES.includes(status) ? undefined : `${ticket.key} is already ${statusWord(status)}.`;
}

/** The ticket as the resolution form shows it; refused (DomainError) when it is gone or no longer open. */
export function ticketForResolution(deps: Pick<DomainDeps, 'models'>, ticketId: string) {
  return ticketForForm(deps, ticketId, resolutionRefusal);
}

export async function resolveTicket(deps: DomainDeps, input: ResolveInput): Promise<ChangeOutcome> {
  if (!input.summary.trim() || !input.verify.trim())
    throw new DomainError('A resolution needs both what was done and how to verify it.');
  const outcome = await changeTicket(
    deps,
    input.ticketId,
    { actor: input.actor, dedupeKey: `resolve:${input.requestKey}` },
    (ticket, record) => {
      const status = ticket.status as Status;
      const refusal = resolutionRefusal(ticket);
      if (refusal) throw new DomainError(refusal);
      const now = deps.clock.now();
      const mailed = input.mail ?? true;
      const id = agentMailId('resolution', ticket, input.requestKey);
      const mail = mailed
        ? composeAgentMail(deps, ticket, input.actor, {
            id,
            kind: input.mailKind ?? 'resolution',
            body: resolutionMailBody(ticket, input, surveyLinks(deps, ticket.id, now), deps.settings.autoCloseDays),
          })
        : undefined;
      if (!ticket.firstResponseAt) ticket.firstResponseAt = now;
      ticket.status = 'resolved';
      ticket.resolvedAt = now;
      ticket.closedAt = undefined;
      ticket.resolution = input.summary.trim();
      record({
        kind: 'resolved',
        text: mailed
          ? 'Resolved by {actor}; the requester was emailed the resolution and a satisfaction survey'
          : `Resolved by {actor}${input.notMailedBecause ? ` · not emailed: ${input.notMailedBecause}` : ''}`,
        notify: true,
        data: { quote: `${input.summary.trim()}\n\nHow to verify: ${input.verify.trim()}`, statusFrom: status },
        ...(mail ? { mail } : {}),
      });
    },
  );
  // New tickets look for similar solved ones in an index each process keeps (src/domain/knowledge-index.ts).
  knowledgeIndex(deps.models).changed();
  return outcome;
}

export interface TransitionInput {
  ticketId: string;
  actor: Actor;
  /** Identifies the click (action_ts + user): a redelivery changes nothing. */
  requestKey: string;
}

/** Closes an open or resolved ticket (no mail: a resolved ticket's requester already has the resolution). */
export async function closeTicket(deps: DomainDeps, input: TransitionInput): Promise<ChangeOutcome> {
  return changeTicket(
    deps,
    input.ticketId,
    { actor: input.actor, dedupeKey: `close:${input.requestKey}` },
    (ticket, record) => {
      const status = ticket.status as Status;
      if (status === 'closed') throw new DomainError(`${ticket.key} is already closed.`);
      ticket.status = 'closed';
      ticket.closedAt = deps.clock.now();
      record({ kind: 'closed', text: 'Closed by {actor}', notify: true, data: { statusFrom: status } });
    },
  );
}

/** Reopens a resolved or closed ticket where work left off: with its assignee, or back in triage. */
export async function reopenTicket(deps: DomainDeps, input: TransitionInput): Promise<ChangeOutcome> {
  return changeTicket(
    deps,
    input.ticketId,
    { actor: input.actor, dedupeKey: `reopen:${input.requestKey}` },
    (ticket, record) => {
      const status = ticket.status as Status;
      if (status !== 'resolved' && status !== 'closed')
        throw new DomainError(
          `${ticket.key} is still open (${statusWord(status)}); only resolved or closed tickets can be reopened.`,
        );
      ticket.status = ticket.assignee ? 'in_progress' : ticket.priority && ticket.category ? 'triaged' : 'new';
      ticket.reopenCount = (ticket.reopenCount ?? 0) + 1;
      ticket.resolvedAt = undefined;
      ticket.closedAt = undefined;
      record({
        kind: 'reopened',
        text: 'Reopened by {actor}',
        notify: true,
        data: { statusFrom: status, statusTo: ticket.status },
      });
    },
  );
}

/**
 * Closes tickets resolved more than AUTO_CLOSE_DAYS ago. A requester's reply reopens a ticket, so one still
 * resolved has had no answer. The dedupe key names the resolution, so a rerun closes each at most once.
 */
export async function autoCloseResolved(deps: DomainDeps, batch = 200): Promise<{ closed: string[] }> {
  const cutoff = new Date(deps.clock.now().getTime() - deps.settings.autoCloseDays * 86_400_000);
  const due = await deps.models.Ticket.find(
    { status: 'resolved', resolvedAt: { $lte: cutoff } },
    { _id: 1, key: 1, resolvedAt: 1 },
  )
    .sort({ resolvedAt: 1 })
    .limit(batch)
    .lean();
  const closed: string[] = [];
  for (const t of due) {
    try {
      const outcome = await changeTicket(
        deps,
        String(t._id),
        { actor: { type: 'system', name: 'Deskbell' }, dedupeKey: `auto-close:${t.resolvedAt?.toISOString()}` },
        (ticket, record) => {
          // Re-checked on the fresh document: it may have been reopened since the query.
          if (ticket.status !== 'resolved' || !ticket.resolvedAt || ticket.resolvedAt > cutoff) return;
          ticket.status = 'closed';
          ticket.closedAt = deps.clock.now();
          const days = deps.settings.autoCloseDays;
          record({
            kind: 'closed',
            text: `Closed automatically: no reply from the requester within ${days} day${days === 1 ? '' : 's'} of the resolution`,
            notify: true,
            data: { statusFrom: 'resolved', automatic: true },
          });
        },
      );
      if (outcome.changed) closed.push(t.key);
    } catch (err) {
      deps.logger.error({ err, ticket: t.key }, 'auto-close failed; the next run tries again');
    }
  }
  if (closed.length) deps.logger.info({ tickets: closed }, 'auto-closed resolved tickets');
  return { closed };
}
