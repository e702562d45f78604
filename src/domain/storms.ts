import type { Types } from 'mongoose';
import { OnceKeys } from '../db/once-keys.js';
import type { StormDoc } from '../db/models/storm.js';
import type { TicketDoc } from '../db/models/ticket.js';
import { upsertAndGet } from '../db/upsert-retry.js';
import type { DomainDeps } from './deps.js';
import { DomainError } from './errors.js';
import { linkTicket } from './incidents/links.js';
import { setPriority } from './triage.js';

/**
 * Ticket storms: more than STORM_THRESHOLD similar tickets (src/domain/similarity.ts) within
 * STORM_WINDOW_MINUTES. Detection uses only the database, so any number of processes agree:
 * - every ticket is stored with its signature (indexed with createdAt);
 * - after storing it, a process counts the signature's tickets of the window (one indexed count);
 * - above the threshold it upserts the storm on `openKey = signature`, whose unique index lets exactly
 *   one document exist however many processes cross the threshold at once;
 * - the ticket joins with one conditional update (`storm.id` still unset), so a retry never joins twice.
 * The tickets of the window that came before the storm keep their cards but join it (so "Reply to all"
 * reaches them too); later ones are `grouped`: no card of their own, the storm's card counts them.
 * A storm ends when STORM_WINDOW_MINUTES pass without a new similar ticket; the next burst is a new storm.
 */
export async function groupIntoStorm(
  deps: DomainDeps,
  ticket: TicketDoc,
): Promise<{ storm: StormDoc; grouped: boolean } | undefined> {
  const { models } = deps;
  if (ticket.storm?.id) {
    const storm = await models.Storm.findById(ticket.storm.id);
    return storm ? { storm, grouped: !!ticket.storm.grouped } : undefined;
  }
  // A P0 always gets its own card (and its incident); a ticket whose card is out already keeps it.
  if (!ticket.similarity || ticket.priority === 'P0' || ticket.card?.ts) return undefined;
  const now = deps.clock.now();
  const since = new Date(now.getTime() - windowMs(deps));

  // Alone in the window (the common case): no open storm can have it, since a storm's last ticket is in the
  // window. Counting first saves looking for one.
  const similar = await models.Ticket.countDocuments({
    similarity: ticket.similarity,
    createdAt: { $gte: since, $lte: now },
  });
  let storm = similar > 1 ? await models.Storm.findOne({ openKey: ticket.similarity }) : null;
  if (storm && storm.lastTicketAt < since) {
    await models.Storm.updateOne(
      { _id: storm._id, lastTicketAt: { $lt: since } },
      { $set: { status: 'ended' }, $unset: { openKey: 1 } },
    );
    storm = null;
  }
  if (!storm) {
    if (similar <= deps.settings.storm.threshold) {
      // Decided: a card of its own. Recorded, so a storm forming next adopts it (below); then look once more,
      // in case the storm formed between the count and this write.
      await models.Ticket.updateOne(
        { _id: ticket._id, 'storm.id': null },
        { $set: { stormCheckedAt: now, lookalikes: similar } },
      );
      // The caller goes on to post its card from this copy (the card's rank reads `lookalikes`).
      ticket.set({ stormCheckedAt: now, lookalikes: similar });
      const formed = await models.Storm.findOne({ openKey: ticket.similarity });
      if (formed) await adopt(deps, formed, { _id: ticket._id });
      return undefined;
    }
    storm = await upsertAndGet(() =>
      models.Storm.findOneAndUpdate(
        { openKey: ticket.similarity },
        {
          $setOnInsert: {
            signature: ticket.similarity,
            openKey: ticket.similarity,
            label: ticket.subject.slice(0, 300),
            status: 'active',
            startedAt: now,
            lastTicketAt: now,
            version: 0,
          },
        },
        { upsert: true, returnDocument: 'after' },
      ),
    );
    // The tickets of the window that came before it and took a card of their own join it, keeping their cards.
    await adopt(deps, storm, { similarity: ticket.similarity, createdAt: { $gte: since } });
  }
  const grouped = storm.status === 'active';
  const joined = await models.Ticket.updateOne(
    { _id: ticket._id, 'storm.id': null, 'card.ts': null },
    { $set: { storm: { id: storm._id, grouped } }, $inc: { __v: 1 } },
  );
  if (joined.modifiedCount === 0) {
    const fresh = await models.Ticket.findById(ticket._id, { storm: 1 }).lean();
    return fresh?.storm?.id ? { storm, grouped: !!fresh.storm.grouped } : undefined;
  }
  await models.Storm.updateOne({ _id: storm._id }, { $max: { lastTicketAt: now }, $inc: { version: 1 } });
  await deps.effects.refreshStormCard(storm.id);
  await applyStandingDecisions(deps, storm, ticket.id);
  return { storm, grouped };
}

/** Tickets that decided on a card of their own (stormCheckedAt) join the storm as members with their cards. */
async function adopt(deps: DomainDeps, storm: StormDoc, filter: Record<string, unknown>): Promise<void> {
  const res = await deps.models.Ticket.updateMany(
    { ...filter, 'storm.id': null, stormCheckedAt: { $ne: null } },
    { $set: { storm: { id: storm._id, grouped: false } }, $inc: { __v: 1 } },
  );
  if (res.modifiedCount) {
    await deps.models.Storm.updateOne({ _id: storm._id }, { $inc: { version: 1 } });
    await deps.effects.refreshStormCard(storm.id);
  }
}

function windowMs(deps: Pick<DomainDeps, 'settings'>): number {
  return deps.settings.storm.windowMs;
}

/** A storm's priority and incident, once decided, hold for tickets that join later too. */
async function applyStandingDecisions(deps: DomainDeps, storm: StormDoc, ticketId: string): Promise<void> {
  const actor = { type: 'system' as const, name: 'Deskbell (storm)' };
  try {
    if (storm.priority && storm.priority !== 'P0')
      await setPriority(deps, ticketId, { actor, dedupeKey: OnceKeys.stormJoin(storm.id, 'priority') }, storm.priority);
    if (storm.incident?.id)
      await linkTicket(deps, {
        ticketId,
        incidentId: String(storm.incident.id),
        actor,
        requestKey: OnceKeys.stormJoin(storm.id, 'link'),
        announce: false,
      });
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    deps.logger.info(
      { storm: storm.id, ticketId, reason: err.message },
      'a storm decision does not apply to a ticket that joined',
    );
  }
}

/** The storm's tickets in number order, a page at a time (for decisions over hundreds of tickets). */
export async function forEachStormTicket(
  deps: Pick<DomainDeps, 'models'>,
  stormId: string | Types.ObjectId,
  fn: (ticket: TicketDoc) => Promise<void>,
  onPage?: () => Promise<void>,
): Promise<void> {
  let after = -1;
  for (;;) {
    const page = await deps.models.Ticket.find({ 'storm.id': stormId, number: { $gt: after } })
      .sort({ number: 1 })
      .limit(100);
    if (!page.length) return;
    for (const ticket of page) await fn(ticket);
    after = page.at(-1)!.number;
    await onPage?.();
  }
}
