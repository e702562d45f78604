import type { AppContext } from '../context.js';
import { DeliveryKinds, OnceKeys } from '../db/once-keys.js';
import { summariseStorm } from '../domain/storm-queries.js';
import { stormCard, stormNoteText, type StormView } from '../../views/storm-card.js';
import { SlackPriority, withSlackPriority } from './channel-queue.js';
import { postMessageOnce } from './post-once.js';
import { BusyElsewhereError } from './errors.js';

export const STORM_CARD_EVENT_TYPE = 'deskbell_storm_card';
export const STORM_NOTE_EVENT_TYPE = 'deskbell_storm_note';

type Job = { name: string; data: Record<string, string> };

function view(storm: { id: string } & Omit<StormView, 'id'>): StormView {
  return {
    id: storm.id,
    label: storm.label,
    status: storm.status,
    priority: storm.priority,
    incident: storm.incident,
    actions: storm.actions,
  };
}

/**
 * Posts the storm's card once, then keeps it current with at most one chat.update per
 * STORM_CARD_UPDATE_SECONDS across all processes: the right to update is taken with one conditional write
 * on `card.updatedAt` (real time), and a refresh that comes too early re-asks for itself at the next slot.
 * Updates are background work in the channel queue: any ticket card or alert goes before them.
 */
export async function refreshStormCard(ctx: AppContext, stormId: string, job?: Job): Promise<void> {
  const throttleMs = ctx.config.STORM_CARD_UPDATE_SECONDS * 1000;
  const storm = await ctx.models.Storm.findById(stormId);
  if (!storm) return;
  if (!storm.card?.ts) {
    const version = storm.version;
    const { text, blocks } = stormCard(view(storm), await summariseStorm(ctx, storm._id));
    const outcome = await withSlackPriority(SlackPriority.untriaged, () =>
      postMessageOnce(ctx, {
        key: OnceKeys.stormCard(storm.id),
        kind: DeliveryKinds.stormCard,
        at: ctx.clock.now(),
        ...(job ? { job } : {}),
        channel: ctx.config.SUPPORT_CHANNEL_ID,
        text,
        blocks,
        eventType: STORM_CARD_EVENT_TYPE,
        payload: { storm_id: storm.id },
        since: storm.startedAt,
      }),
    ).catch((err: unknown) => {
      // Another worker is posting it: look again at the next slot instead of failing the job.
      if (err instanceof BusyElsewhereError) return undefined;
      throw err;
    });
    if (!outcome) return ctx.effects.refreshStormCard(storm.id, new Date(Date.now() + throttleMs));
    const { channel, ts } = outcome.result;
    await ctx.models.Storm.updateOne(
      { _id: storm._id, 'card.ts': null },
      { $set: { card: { channel, ts, renderedVersion: version, updatedAt: new Date() } } },
    );
    if (outcome.by === 'sent') ctx.logger.info({ storm: storm.id, channel, ts }, 'storm card posted');
    return ctx.effects.refreshStormCard(storm.id, new Date(Date.now() + throttleMs));
  }
  if ((storm.card.renderedVersion ?? -1) >= storm.version) return;
  const last = storm.card.updatedAt ?? new Date(0);
  const nextSlot = last.getTime() + throttleMs;
  if (Date.now() < nextSlot) return ctx.effects.refreshStormCard(storm.id, new Date(nextSlot));
  const claimed = await ctx.models.Storm.updateOne(
    { _id: storm._id, 'card.updatedAt': storm.card.updatedAt ?? null },
    { $set: { 'card.updatedAt': new Date() } },
  );
  if (claimed.modifiedCount === 0) return ctx.effects.refreshStormCard(storm.id, new Date(Date.now() + throttleMs));

  const fresh = (await ctx.models.Storm.findById(stormId))!;
  const { text, blocks } = stormCard(view(fresh), await summariseStorm(ctx, fresh._id));
  await withSlackPriority(SlackPriority.background, () =>
    ctx.slack.chat.update({ channel: storm.card!.channel!, ts: storm.card!.ts!, text, blocks }),
  );
  await ctx.models.Storm.updateOne({ _id: storm._id }, { $max: { 'card.renderedVersion': fresh.version } });
  const now = await ctx.models.Storm.findById(stormId, { version: 1 }).lean();
  if (now && now.version > fresh.version)
    await ctx.effects.refreshStormCard(storm.id, new Date(Date.now() + throttleMs));
}

/** Says in the storm card's thread that a decision reached every ticket (once per decision). */
export async function postStormNote(ctx: AppContext, stormId: string, actionId: string, job?: Job): Promise<void> {
  const storm = await ctx.models.Storm.findById(stormId);
  const action = storm?.actions.find((a) => String(a._id) === actionId);
  if (!storm || !action?.doneAt) return;
  if (!storm.card?.ts || !storm.card.channel)
    throw new Error(`the card of storm ${stormId} is not posted yet; the note waits for it`);
  const card = { channel: storm.card.channel, ts: storm.card.ts };
  await withSlackPriority(SlackPriority.untriaged, () =>
    postMessageOnce(ctx, {
      key: OnceKeys.stormNote(stormId, actionId),
      kind: DeliveryKinds.stormNote,
      at: ctx.clock.now(),
      ...(job ? { job } : {}),
      channel: card.channel,
      threadTs: card.ts,
      text: stormNoteText(action, action.actor?.id),
      eventType: STORM_NOTE_EVENT_TYPE,
      payload: { storm_id: stormId, action_id: actionId },
      since: action.at,
    }),
  );
}
