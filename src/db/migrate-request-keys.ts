import type { Models } from './models/index.js';

const PAGE = 500;

/**
 * Tickets used to record the keys of the request that made them in `idempotency_keys`; they carry them
 * now (src/domain/tickets.ts). Moves those records onto their tickets, so a retry of a request from before
 * the change still finds its ticket; each moved record is deleted. Idempotent and resumable: run at start.
 */
export async function moveRequestKeysToTickets(models: Pick<Models, 'IdempotencyKey' | 'Ticket'>): Promise<number> {
  let moved = 0;
  for (;;) {
    // Survey answers share the collection (and carry a ticketId): they stay.
    const requestKeys = { ticketId: { $exists: true }, _id: { $not: /^csat:/ } };
    const page = await models.IdempotencyKey.find(requestKeys, { ticketId: 1 }).limit(PAGE).lean();
    if (!page.length) return moved;
    for (const key of page) {
      await models.Ticket.updateOne({ _id: key.ticketId }, { $addToSet: { idempotencyKeys: key._id } });
      await models.IdempotencyKey.deleteOne({ _id: key._id });
      moved++;
    }
    if (page.length < PAGE) return moved;
  }
}
