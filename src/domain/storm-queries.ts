import { unverifiedStormRequesters } from './bulk-mail.js';
import type { Types } from 'mongoose';
import type { TicketDoc } from '../db/models/ticket.js';
import type { DomainDeps } from './deps.js';
import { DomainError } from './errors.js';

// Read-only questions about storms, apart from storms.ts (which writes): the storm card adapter and the
// listeners ask them without importing a module that writes.

export interface StormSummary {
  count: number;
  grouped: number;
  first: Array<{ key: string; subject: string; requester: string }>;
  firstAt?: Date;
  lastAt?: Date;
}

/** How many tickets a storm holds (with a card or grouped). */
function stormTicketCount(deps: Pick<DomainDeps, 'models'>, stormId: string | Types.ObjectId): Promise<number> {
  return deps.models.Ticket.countDocuments({ 'storm.id': stormId });
}

/** What the storm's card shows: how many, the first few, the time range. */
export async function summariseStorm(
  deps: Pick<DomainDeps, 'models'>,
  stormId: string | Types.ObjectId,
  show = 5,
): Promise<StormSummary> {
  const { Ticket } = deps.models;
  const [count, grouped, first, last] = await Promise.all([
    stormTicketCount(deps, stormId),
    Ticket.countDocuments({ 'storm.id': stormId, 'storm.grouped': true }),
    Ticket.find({ 'storm.id': stormId }, { key: 1, subject: 1, requester: 1, createdAt: 1 })
      .sort({ number: 1 })
      .limit(show)
      .lean(),
    Ticket.findOne({ 'storm.id': stormId }, { createdAt: 1 }).sort({ number: -1 }).lean(),
  ]);
  return {
    count,
    grouped,
    first: first.map((t) => ({
      key: t.key,
      subject: t.subject,
      requester: t.requester?.name ? `${t.requester.name} <${t.requester.email}>` : (t.requester?.email ?? ''),
    })),
    ...(first[0] ? { firstAt: first[0].createdAt } : {}),
    ...(last ? { lastAt: last.createdAt } : {}),
  };
}

/** A storm as its forms show it (label, how many tickets); refused (DomainError) when it no longer exists. */
export async function stormForForm(
  deps: Pick<DomainDeps, 'models'>,
  stormId: string,
): Promise<{ id: string; label: string; count: number; unverified: { addresses: string[]; count: number } }> {
  const storm = await deps.models.Storm.findById(stormId, { label: 1 }).lean();
  if (!storm) throw new DomainError('That storm no longer exists.');
  const [count, unverified] = await Promise.all([
    stormTicketCount(deps, storm._id),
    unverifiedStormRequesters(deps, storm._id),
  ]);
  return { id: stormId, label: storm.label, count, unverified };
}

/** The storm a ticket belongs to, as `/support SUP-n` shows it, or null. */
export async function stormOfTicket(
  deps: Pick<DomainDeps, 'models'>,
  ticket: Pick<TicketDoc, 'storm'>,
): Promise<{ label: string; count: number; grouped: boolean; card?: { channel: string; ts: string } } | null> {
  if (!ticket.storm?.id) return null;
  const storm = await deps.models.Storm.findById(ticket.storm.id, { label: 1, card: 1 }).lean();
  if (!storm) return null;
  return {
    label: storm.label,
    count: await stormTicketCount(deps, storm._id),
    grouped: !!ticket.storm.grouped,
    ...(storm.card?.channel && storm.card.ts ? { card: { channel: storm.card.channel, ts: storm.card.ts } } : {}),
  };
}
