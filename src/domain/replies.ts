import type { DomainDeps } from './deps.js';
import { agentMailId, composeAgentMail } from './agent-mail.js';
import { DomainError } from './errors.js';
import { changeTicket, type ChangeOutcome } from './ticket-changes.js';
import { ticketForForm } from './tickets.js';
import { OPEN_STATUSES, STATUS_LABELS, type Status, type Actor } from './types.js';

/** Why a reply to this ticket is refused, or undefined while it is open: one wording for the button, the form and the change. */
export function replyRefusal(ticket: { key: string; status: string }): string | undefined {
  const status = ticket.status as Status;
  return OPEN_STATUSES.includes(status)
    ? undefined
    : `${ticket.key} is ${STATUS_LABELS[status].toLowerCase()}. Reopen it before replying to the requester.`;
}

/** The ticket as the reply form shows it; refused (DomainError) when it is gone or no longer open. */
export function ticketForReply(deps: Pick<DomainDeps, 'models'>, ticketId: string) {
  return ticketForForm(deps, ticketId, replyRefusal);
}

export interface AgentReplyInput {
  ticketId: string;
  /** The agent; `name` signs the mail. */
  actor: Actor;
  message: string;
  /** Pause the SLA clock until the requester answers. */
  waitOnCustomer: boolean;
  /** Identifies the submission (the modal's view id): submitting the same modal twice sends one mail. */
  requestKey: string;
  /** The outbox kind: a storm's "Reply to all" is mail to many (MAIL_AUTO_MAX_PER_HOUR). */
  mailKind?: string;
}

/**
 * An agent's reply to the requester: stored on the timeline and shown in the card's thread, emailed in the
 * ticket's mail thread through the outbox, and the first reply records the first-response time.
 */
export async function agentReply(deps: DomainDeps, input: AgentReplyInput): Promise<ChangeOutcome> {
  const message = input.message.trim();
  if (!message) throw new DomainError('The reply is empty: write a message to the requester.');
  return changeTicket(
    deps,
    input.ticketId,
    { actor: input.actor, dedupeKey: `reply:${input.requestKey}` },
    (ticket, record) => {
      const status = ticket.status as Status;
      const refusal = replyRefusal(ticket);
      if (refusal) throw new DomainError(refusal);
      const id = agentMailId('reply', ticket, input.requestKey);
      const mail = composeAgentMail(deps, ticket, input.actor, { id, kind: input.mailKind ?? 'reply', body: message });
      const firstResponse = !ticket.firstResponseAt;
      if (firstResponse) ticket.firstResponseAt = deps.clock.now();
      ticket.status = input.waitOnCustomer ? 'waiting_on_customer' : 'in_progress';
      const waiting = input.waitOnCustomer ? ' · now waiting on the customer' : '';
      record({
        kind: 'agent_reply',
        text: `Replied by {actor}${waiting}`,
        notify: true,
        data: { quote: message, firstResponse, statusFrom: status, statusTo: ticket.status },
        mail,
      });
    },
  );
}

export interface InternalNoteInput {
  ticketId: string;
  actor: Actor;
  text: string;
  /** Where the note already is in Slack (the card's thread). */
  slackTs?: string;
  /** Identifies the message (client_msg_id or ts): a redelivered event adds no second note. */
  requestKey: string;
}

/** A team member's note on the timeline. Never emailed, and not posted again: it is in the card's thread already. */
export async function addInternalNote(deps: DomainDeps, input: InternalNoteInput): Promise<ChangeOutcome> {
  return changeTicket(
    deps,
    input.ticketId,
    { actor: input.actor, dedupeKey: `note:${input.requestKey}` },
    (_ticket, record) => {
      record({
        kind: 'internal_note',
        text: 'Internal note by {actor}',
        notify: false,
        data: { quote: input.text, slackTs: input.slackTs },
      });
    },
  );
}
