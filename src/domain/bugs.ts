import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import type { BugDoc, Tracker } from '../db/models/bug.js';
import { isDuplicateKeyError } from '../db/models/idempotency-key.js';
import { upsertAndGet } from '../db/upsert-retry.js';
import type { DomainDeps } from './deps.js';
import { bugImpact, bugName } from './bug-queries.js';
import { prefillReport, type BugReport } from './bug-report.js';
import { TRACKER_LABELS } from './bug-refs.js';
import { DomainError, TicketNotFoundError } from './errors.js';
import { changeTicket, type ChangeOutcome } from './ticket-changes.js';
import type { Actor } from './types.js';

/** An issue as a tracker reported it (src/trackers/types.ts, IssueInfo), as the domain records it. */
export interface TrackedIssue {
  tracker: Tracker;
  ref: string;
  key: string;
  url: string;
  title: string;
  state: 'open' | 'fixed' | 'closed';
  status: string;
  openedAt: string;
}

/** Why this ticket cannot get a bug (filed or linked), or undefined. */
export function bugRefusal(
  deps: Pick<DomainDeps, 'settings'>,
  ticket: { key: string; bug?: { id?: unknown; tracker?: string | null; key?: string | null } | null },
): string | undefined {
  if (!deps.settings.bugs.trackers.length)
    return 'No issue tracker is configured: set up GitHub or Jira (docs/trackers.md).';
  if (ticket.bug?.id)
    return `${ticket.key} is already linked to ${bugName({ tracker: ticket.bug.tracker ?? '', key: ticket.bug.key })}.`;
  return undefined;
}

/** The "File bug" form's ticket and starting values; refused (DomainError) when the ticket cannot get a bug. */
export async function bugFormFor(deps: Pick<DomainDeps, 'models' | 'settings'>, ticketId: string, cardUrl?: string) {
  const ticket = await deps.models.Ticket.findById(ticketId).lean();
  if (!ticket) throw new TicketNotFoundError('That ticket no longer exists.');
  const refusal = bugRefusal(deps, ticket);
  if (refusal) throw new DomainError(refusal);
  return {
    ticket: { id: String(ticket._id), key: ticket.key },
    report: prefillReport(ticket, { tickets: 1, requesters: 1 }, cardUrl),
    trackers: deps.settings.bugs.trackers,
  };
}

/** A deterministic id for a request: a double submit aims at the same bug. */
function bugIdFor(requestKey: string): Types.ObjectId {
  return new Types.ObjectId(createHash('sha256').update(`bug:${requestKey}`).digest('hex').slice(0, 24));
}

export interface FileBugInput {
  ticketId: string;
  tracker: Tracker;
  report: BugReport;
  actor: Actor;
  /** The form submission (its view id): submitting it twice files one issue. */
  requestKey: string;
}

/**
 * Records the request to file a bug (the bug, in `filing`), shows it on the ticket, and asks the delivery
 * worker to file it: the tracker is called after the answer, once, however often this is asked.
 */
export async function requestBugFiling(
  deps: DomainDeps,
  input: FileBugInput,
): Promise<{ bugId: string; ticket: ChangeOutcome['ticket'] }> {
  if (!deps.settings.bugs.trackers.includes(input.tracker))
    throw new DomainError(`${TRACKER_LABELS[input.tracker]} is not configured.`);
  const id = bugIdFor(input.requestKey);
  const now = deps.clock.now();
  try {
    await deps.models.Bug.create({
      _id: id,
      tracker: input.tracker,
      title: input.report.title,
      state: 'filing',
      request: {
        key: input.requestKey,
        ticketId: new Types.ObjectId(input.ticketId),
        actor: input.actor,
        report: input.report,
        at: now,
      },
      createdAt: now,
    });
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
  }
  let outcome: ChangeOutcome;
  try {
    outcome = await changeTicket(
      deps,
      input.ticketId,
      { actor: input.actor, dedupeKey: `bug-file:${input.requestKey}` },
      (ticket, record) => {
        if (ticket.bug?.id && String(ticket.bug.id) === id.toHexString()) return;
        const refusal = bugRefusal(deps, ticket);
        if (refusal) throw new DomainError(refusal);
        ticket.set('bug', { id, tracker: input.tracker, state: 'filing', round: 0 });
        record({
          kind: 'bug_filing',
          text: `Filing a bug in ${TRACKER_LABELS[input.tracker]} for {actor}`,
          data: { bugId: id.toHexString(), quote: input.report.title },
          notify: true,
        });
      },
    );
  } catch (err) {
    // Refused (the ticket got a bug meanwhile): the request goes, so nothing files it.
    await deps.models.Bug.deleteOne({ _id: id, state: 'filing' });
    throw err;
  }
  await deps.effects.fileBug(id.toHexString());
  return { bugId: id.toHexString(), ticket: outcome.ticket };
}

/** The tracker took the bug: the bug knows its issue, its ticket shows it (card and thread). */
export async function recordBugFiled(deps: DomainDeps, bugId: string, issue: TrackedIssue): Promise<void> {
  const now = deps.clock.now();
  const set = {
    ref: issue.ref,
    key: issue.key,
    url: issue.url,
    state: issue.state,
    trackerStatus: issue.status,
    openedAt: now,
  };
  await deps.models.Bug.updateOne({ _id: bugId, state: 'filing' }, { $set: set, $unset: { lastError: 1 } });
  const bug = await deps.models.Bug.findById(bugId);
  if (!bug?.request?.ticketId) return;
  const actor = (bug.request.actor ?? { type: 'system', name: 'Deskbell' }) as Actor;
  await changeTicket(
    deps,
    String(bug.request.ticketId),
    { actor, dedupeKey: `bug-filed:${bugId}` },
    (ticket, record) => {
      // Another bug was linked meanwhile (a filing the reconcile sweep finished late): leave that link alone.
      if (ticket.bug?.id && String(ticket.bug.id) !== bugId) return;
      ticket.set('bug', {
        id: bug._id,
        tracker: bug.tracker,
        key: issue.key,
        url: issue.url,
        state: bug.state,
        round: bug.fixRound,
      });
      record({
        kind: 'bug_filed',
        text: `Filed as ${bugName({ tracker: bug.tracker, key: issue.key })} for {actor}: ${issue.url}`,
        data: { bugId },
        notify: true,
      });
    },
  );
}

/**
 * The tracker did not take the bug. The request is kept and the delivery worker tries again, whether the
 * tracker was down or refused (a bad token or permission is fixed in the settings, and the next try then
 * files it); the thread says why once per reason, so the agent is not left wondering. Only a tracker that
 * is no longer configured (`final`) ends the request and frees the ticket for another try.
 */
export async function recordFilingProblem(
  deps: DomainDeps,
  bugId: string,
  problem: { reason: string; refused: boolean; final?: boolean },
): Promise<void> {
  const bug = await deps.models.Bug.findOneAndUpdate(
    { _id: bugId, state: 'filing' },
    { $set: { lastError: problem.reason, ...(problem.final ? { state: 'failed' } : {}) } },
    { returnDocument: 'after' },
  );
  if (!bug?.request?.ticketId) return;
  const name = TRACKER_LABELS[bug.tracker];
  const dedupeKey = problem.final ? `bug-failed:${bugId}` : `bug-retry:${bugId}:${problem.reason}`;
  await changeTicket(
    deps,
    String(bug.request.ticketId),
    { actor: { type: 'system', name: 'Deskbell' }, dedupeKey },
    (ticket, record) => {
      if (problem.final) {
        if (ticket.bug?.id && String(ticket.bug.id) === bugId) ticket.set('bug', undefined);
        record({
          kind: 'bug_filing_failed',
          text: `${name} ${problem.reason}: nothing was filed. Press File bug again once it is set up.`,
          notify: true,
          data: { bugId },
        });
      } else if (problem.refused) {
        record({
          kind: 'bug_filing_retry',
          text:
            `${name} refused the bug: it ${problem.reason}. Deskbell keeps the request and tries again;` +
            ` check the ${name} settings (docs/trackers.md).`,
          notify: true,
          data: { bugId },
        });
      } else {
        record({
          kind: 'bug_filing_retry',
          text: `${name} has not taken the bug yet: it ${problem.reason}. Deskbell keeps trying.`,
          notify: true,
          data: { bugId },
        });
      }
    },
  );
}

export interface LinkBugInput {
  ticketId: string;
  issue: TrackedIssue;
  actor: Actor;
  /** The click, form or command: a redelivery changes nothing. */
  requestKey: string;
}

/**
 * Links a ticket to an existing issue (one bug per issue, many tickets per bug): the card and the thread
 * show it, and the issue gets one comment saying one more ticket reports it (counts only, no addresses).
 */
export async function linkTicketToBug(
  deps: DomainDeps,
  input: LinkBugInput,
): Promise<{ changed: boolean; ticketKey: string; bugName: string }> {
  const { issue } = input;
  const now = deps.clock.now();
  const bug = await upsertAndGet<BugDoc>(() =>
    deps.models.Bug.findOneAndUpdate(
      { tracker: issue.tracker, ref: issue.ref },
      {
        $setOnInsert: {
          key: issue.key,
          url: issue.url,
          title: issue.title,
          state: issue.state,
          trackerStatus: issue.status,
          openedAt: new Date(issue.openedAt),
          createdAt: now,
          ...(issue.state === 'fixed' ? { fixRound: 1, fixedAt: now } : {}),
        },
      },
      { upsert: true, returnDocument: 'after' },
    ),
  );
  const name = bugName({ tracker: bug.tracker, key: bug.key });
  const outcome = await changeTicket(
    deps,
    input.ticketId,
    { actor: input.actor, dedupeKey: `bug-link:${input.requestKey}` },
    (ticket, record) => {
      if (ticket.bug?.id && String(ticket.bug.id) === bug.id) return;
      const refusal = bugRefusal(deps, ticket);
      if (refusal) throw new DomainError(refusal);
      ticket.set('bug', {
        id: bug._id,
        tracker: bug.tracker,
        key: bug.key,
        url: bug.url,
        state: bug.state,
        round: bug.fixRound,
      });
      record({
        kind: 'bug_linked',
        text: `Linked to ${name} by {actor}: ${bug.url}`,
        data: { bugId: bug.id },
        notify: true,
      });
    },
  );
  if (outcome.changed) await deps.effects.bugComment(bug.id, input.ticketId);
  return { changed: outcome.changed, ticketKey: outcome.ticket.key, bugName: name };
}

/** What the comment of a newly linked ticket needs: the bug's issue, the ticket's key and the counts now. */
export async function bugCommentPlan(deps: Pick<DomainDeps, 'models'>, bugId: string, ticketId: string) {
  const [bug, ticket] = await Promise.all([
    deps.models.Bug.findById(bugId).lean(),
    deps.models.Ticket.findById(ticketId, { key: 1, bug: 1, updatedAt: 1 }).lean(),
  ]);
  if (!bug?.ref || !ticket || String(ticket.bug?.id) !== bugId) return undefined;
  return {
    tracker: bug.tracker,
    ref: bug.ref,
    ticketKey: ticket.key,
    since: ticket.updatedAt,
    impact: await bugImpact(deps, bugId),
  };
}
