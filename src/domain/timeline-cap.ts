import type { TicketDoc } from '../db/models/ticket.js';
import type { DomainDeps } from './deps.js';

/** Events a ticket document embeds at most; older ones move to `ticket_events` in batches. */
export const MAX_TIMELINE_EVENTS = 500;
const KEEP_NEWEST = 400;
export const OVERFLOW_KIND = 'timeline_archived';

/**
 * Keeps a ticket's timeline bounded: when it grows past MAX_TIMELINE_EVENTS, the oldest events (all but the
 * creation and the newest KEEP_NEWEST) are copied to `ticket_events` first, then dropped from the ticket in
 * the caller's save, and one overflow record after the creation says how many moved. A crash or a version
 * conflict in between leaves copies that the next attempt writes again harmlessly (same `_id`).
 */
export async function capTimeline(deps: Pick<DomainDeps, 'models'>, ticket: TicketDoc): Promise<void> {
  if (ticket.timeline.length <= MAX_TIMELINE_EVENTS) return;
  const overflowAt = ticket.timeline.findIndex((e) => e.kind === OVERFLOW_KIND);
  const firstMovable = overflowAt >= 0 ? overflowAt + 1 : 1;
  const moving = ticket.timeline.slice(firstMovable, ticket.timeline.length - KEEP_NEWEST);
  if (!moving.length) return;
  await deps.models.ArchivedEvent.bulkWrite(
    moving.map((e) => ({
      updateOne: {
        filter: { _id: e._id },
        update: { $setOnInsert: { ticketId: ticket._id, at: e.at, event: e.toObject() } },
        upsert: true,
      },
    })),
    { ordered: false },
  );
  const before = overflowAt >= 0 ? Number((ticket.timeline[overflowAt]!.data as { moved?: number })?.moved ?? 0) : 0;
  const moved = before + moving.length;
  const record = {
    at: moving.at(-1)!.at,
    actor: { type: 'system', id: 'deskbell' },
    kind: OVERFLOW_KIND,
    text: `${moved} older events are kept in the archive`,
    data: { moved },
    notify: false,
  };
  ticket.timeline.splice(1, firstMovable - 1 + moving.length, record as never);
}
