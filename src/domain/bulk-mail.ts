import type { Types } from 'mongoose';
import type { TicketDoc } from '../db/models/ticket.js';
import type { DomainDeps } from './deps.js';

/** What the thread and the agent's confirmation say about a requester left out of mail to many. */
export const UNVERIFIED = 'unverified (no authenticated mail from the address)';

/**
 * Mail to many (storm "Reply to all", incident updates and resolutions) goes only to requesters whose
 * address is verified (see the Ticket model's `requester.verified`): otherwise one mail with a spoofed From
 * that matches a storm would put a stranger on every update Deskbell sends, signed by the support domain.
 */
export function bulkMailRefusal(ticket: Pick<TicketDoc, 'requester'>): string | undefined {
  return ticket.requester?.verified ? undefined : UNVERIFIED;
}

/** Addresses a storm's mail to all would leave out, for the form's confirmation (at most `max`, plus the count). */
export async function unverifiedStormRequesters(
  deps: Pick<DomainDeps, 'models'>,
  stormId: string | Types.ObjectId,
  max = 20,
): Promise<{ addresses: string[]; count: number }> {
  const filter = { 'storm.id': stormId, 'requester.verified': null };
  const [count, some] = await Promise.all([
    deps.models.Ticket.countDocuments(filter),
    deps.models.Ticket.find(filter, { 'requester.email': 1 }).sort({ number: 1 }).limit(max).lean(),
  ]);
  return {
    addresses: some.map((t) => String((t as { requester?: { email?: string } }).requester?.email ?? '')),
    count,
  };
}
