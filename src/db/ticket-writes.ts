import type { QueryFilter, UpdateQuery } from 'mongoose';
import type { Models } from './models/index.js';
import type { TicketFields } from './models/ticket.js';

/**
 * A small direct update of a ticket outside changeTicket (the card's ts, a note's slackTs): one atomic
 * single-document update. It bumps the version, so a changeTicket that read the ticket before re-reads it
 * instead of saving over this write.
 */
export async function patchTicket(
  models: Pick<Models, 'Ticket'>,
  ticketId: string,
  update: UpdateQuery<TicketFields>,
  extra: QueryFilter<TicketFields> = {},
  arrayFilters?: Record<string, unknown>[],
): Promise<boolean> {
  const res = await models.Ticket.updateOne(
    { _id: ticketId, ...extra },
    { ...update, $inc: { ...(update.$inc ?? {}), __v: 1 } },
    arrayFilters ? { arrayFilters } : {},
  );
  return res.modifiedCount > 0;
}
