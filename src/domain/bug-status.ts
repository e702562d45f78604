import type { DomainDeps } from './deps.js';
import type { TicketDoc } from '../db/models/ticket.js';
import type { Tracker } from '../db/models/bug.js';
import { bugName, bugTickets } from './bug-queries.js';
import { DomainError } from './errors.js';
import { skipMailReason } from './incidents/fan-out.js';
import { resolveTicket } from './resolution.js';
import { changeTicket } from './ticket-changes.js';
import { OPEN_STATUSES, type Actor, type Status } from './types.js';

const DESKBELL: Actor = { type: 'system', name: 'Deskbell' };

export interface IssueStatusChange {
  tracker: Tracker;
  ref: string;
  /** The tracker's delivery id (X-GitHub-Delivery, X-Atlassian-Webhook-Identifier): a replay changes nothing. */
  deliveryId: string;
  state: 'open' | 'fixed' | 'closed';
  status: string;
}

/** How many deliveries a bug remembers: replays come within minutes, not after fifty more changes. */
const REMEMBERED_DELIVERIES = 50;

/**
 * A tracker says an issue changed. Only issues Deskbell knows (filed or linked) count; the bug's state and
 * the delivery id are written in one conditional update, so a replay (same delivery id) or a racing
 * duplicate changes nothing. Each change of state asks for its tickets to be brought up to date.
 */
export async function applyIssueStatus(
  deps: DomainDeps,
  change: IssueStatusChange,
): Promise<'unknown' | 'replayed' | 'applied'> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const bug = await deps.models.Bug.findOne({ tracker: change.tracker, ref: change.ref });
    if (!bug) return 'unknown';
    if (bug.deliveries.includes(change.deliveryId)) return 'replayed';
    const fixedNow = change.state === 'fixed' && bug.state !== 'fixed';
    const res = await deps.models.Bug.updateOne(
      { _id: bug._id, state: bug.state, fixRound: bug.fixRound, deliveries: { $ne: change.deliveryId } },
      {
        $set: { state: change.state, trackerStatus: change.status, ...(fixedNow ? { fixedAt: deps.clock.now() } : {}) },
        ...(fixedNow ? { $inc: { fixRound: 1 } } : {}),
        $push: { deliveries: { $each: [change.deliveryId], $slice: -REMEMBERED_DELIVERIES } },
      },
    );
    if (!res.matchedCount) continue;
    if (change.state !== bug.state) await deps.effects.bugSync(bug.id);
    return 'applied';
  }
  throw new Error(`bug ${change.ref} kept changing while a delivery was applied`);
}

/** What a ticket's thread says when its bug moves to `state`. */
function stateEvent(name: string, state: string, from: string, auto: boolean) {
  if (state === 'fixed') {
    const next = auto ? 'Deskbell tells the requester.' : 'Press *Tell requesters* on the card to tell the requester.';
    return { kind: 'bug_fixed', text: `${name} is fixed (closed as completed in the tracker). ${next}` };
  }
  if (state === 'closed') return { kind: 'bug_closed', text: `${name} was closed without a fix (not planned).` };
  if (from === 'fixed' || from === 'closed')
    return { kind: 'bug_reopened', text: `${name} was reopened: the fix did not hold.` };
  return undefined;
}

/**
 * Brings every ticket of the bug up to the bug's state, each once per state and fix round: the card, a
 * note in the thread, and for a fix a DM to the assignee. With BUG_FIX_NOTIFY=auto the requesters are told
 * at once. Run by the delivery worker; running it again changes nothing.
 */
export async function syncBugTickets(deps: DomainDeps, bugId: string): Promise<void> {
  const bug = await deps.models.Bug.findById(bugId);
  if (!bug) return;
  const name = bugName(bug);
  const auto = deps.settings.bugs.fixNotify === 'auto';
  for (
    let after = 0, page: TicketDoc[];
    (page = await bugTickets(deps, bug._id, after)).length;
    after = page.at(-1)!.number
  ) {
    for (const t of page) {
      const outcome = await changeTicket(
        deps,
        t.id,
        { actor: DESKBELL, dedupeKey: `bug-state:${bugId}:${bug.state}:${bug.fixRound}` },
        (ticket, record) => {
          const from = ticket.bug?.state ?? 'open';
          if (String(ticket.bug?.id) !== bugId || (from === bug.state && ticket.bug?.round === bug.fixRound)) return;
          ticket.set('bug', {
            ...(ticket.bug as object),
            state: bug.state,
            round: bug.fixRound,
            key: bug.key,
            url: bug.url,
          });
          const event = stateEvent(name, bug.state, from, auto);
          // A change that needs no words (filed and open) still updates the card: a silent event records it.
          record(
            event
              ? { ...event, notify: true, data: { bugId, round: bug.fixRound } }
              : { kind: 'bug_state', data: { bugId, state: bug.state } },
          );
        },
      );
      const fixed = outcome.events.find((e) => e.kind === 'bug_fixed');
      if (fixed && outcome.ticket.assignee) await deps.effects.bugFixedDm(t.id, String(fixed._id));
    }
    if (page.length < 200) break;
  }
  if (auto && bug.state === 'fixed') await tellRequestersOfFix(deps, { bugId, actor: DESKBELL });
}

export const FIX_SUMMARY =
  'The fix for the problem you reported is out: our engineers corrected it and the change is now live.';
export const FIX_VERIFY =
  'Please try again what did not work before. It should work now; if it does not, reply to this email and we ' +
  'will pick your request up again.';

/**
 * Tells every requester of a fixed bug, on their own ticket, that the fix is out: the ticket is resolved
 * (awaiting their confirmation, with the satisfaction survey as usual), one mail each for each fix round,
 * however often asked. Mail to many goes only to verified addresses (see bulk-mail.ts): the others' threads
 * say so, and their tickets stay open for the agent to tell them in person.
 */
export async function tellRequestersOfFix(
  deps: DomainDeps,
  input: { bugId: string; actor: Actor },
): Promise<{ told: number; notMailed: number }> {
  const bug = await deps.models.Bug.findById(input.bugId);
  if (!bug) throw new DomainError('That bug is no longer known.');
  if (bug.state !== 'fixed')
    throw new DomainError(
      `${bugName(bug)} is not fixed (it is ${bug.trackerStatus ?? bug.state}); requesters are told once it is.`,
    );
  const round = bug.fixRound;
  let told = 0;
  let notMailed = 0;
  for (
    let after = 0, page: TicketDoc[];
    (page = await bugTickets(deps, bug._id, after)).length;
    after = page.at(-1)!.number
  ) {
    for (const t of page) {
      if (!OPEN_STATUSES.includes(t.status as Status) || t.bug?.toldRound === round) continue;
      const skip = skipMailReason(t, deps.settings.supportEmail);
      if (skip) {
        const outcome = await changeTicket(
          deps,
          t.id,
          { actor: input.actor, dedupeKey: `bug-told:${input.bugId}:${round}` },
          (ticket, record) => {
            ticket.set('bug.toldRound', round);
            record({
              kind: 'bug_fix_not_mailed',
              text: `Not emailed about the fix of ${bugName(bug)}: ${skip}. Tell the requester yourself.`,
              notify: true,
              data: { bugId: input.bugId },
            });
          },
        );
        if (outcome.changed) notMailed += 1;
        continue;
      }
      try {
        const outcome = await resolveTicket(deps, {
          ticketId: t.id,
          actor: input.actor,
          summary: FIX_SUMMARY,
          verify: FIX_VERIFY,
          requestKey: `bug-fix:${input.bugId}:${round}`,
          mailKind: 'bug_fix',
        });
        if (outcome.changed) told += 1;
      } catch (err) {
        // Resolved or closed meanwhile: its requester has heard from us already.
        if (!(err instanceof DomainError)) throw err;
      }
    }
    if (page.length < 200) break;
  }
  return { told, notMailed };
}

/** The bug of a ticket, for its card's "Tell requesters". */
export async function bugOfTicket(deps: Pick<DomainDeps, 'models'>, ticketId: string): Promise<string> {
  const ticket = await deps.models.Ticket.findById(ticketId, { key: 1, bug: 1 }).lean();
  if (!ticket?.bug?.id) throw new DomainError('That ticket is not linked to a bug.');
  return String(ticket.bug.id);
}
