import type { UpdateQuery } from 'mongoose';
import { withLease } from './lease.js';
import type { Models } from './models/index.js';
import type { TicketFields } from './models/ticket.js';

/** The lease every writer of a ticket document holds (see withLease for why). */
export function ticketLeaseKey(ticketId: string): string {
  return `ticket:${ticketId}`;
}

/**
 * A small direct update of a ticket (card ts, a note's slackTs…) outside changeTicket. FerretDB rewrites
 * the whole document on update, so two concurrent updates of *different* fields can still lose one: every
 * write of a ticket therefore takes the ticket's lease.
 */
export async function patchTicket(models: Models, ticketId: string, update: UpdateQuery<TicketFields>): Promise<void> {
  await withLease(models.Lease, ticketLeaseKey(ticketId), () => models.Ticket.updateOne({ _id: ticketId }, update), { ttlMs: 15_000, waitMs: 10_000 });
}
