import { randomUUID } from 'node:crypto';
import type { Models } from './models/index.js';
import { isDuplicateKeyError } from './models/idempotency-key.js';
import { withUpsertRetry } from './upsert-retry.js';

/**
 * The durable queue of immediate effects (src/db/models/effect.ts). Every operation is one single-document
 * atomic command in the common case; no transactions, no change streams.
 *
 * - `once` effects (post a card, send a mail, page someone) are asked with an insert-only upsert: asking
 *   again while one is waiting or being worked changes nothing, so a sweep that asks for everything it finds
 *   undone never doubles the work.
 * - `again` effects (re-render a card, refresh an App Home) must run once more after any ask that comes
 *   while one is being worked, because that run may have read the state before the change: the ask marks
 *   the record `wanted`, and the holder's finish puts it back in line instead of deleting it.
 * - A claim sets a fresh `owner` and a deadline in `nextAt`; a holder renews it while it works; a claim past
 *   its deadline (its process died) is found by the same query as due work and taken over.
 */
export type EffectModels = Pick<Models, 'Effect'>;
export type AskMode = 'once' | 'again';

export interface EffectAsk {
  name: string;
  data: Record<string, string>;
  /** Not before (real time); default now. */
  at?: Date;
  mode?: AskMode;
}

export interface ClaimedEffect {
  key: string;
  name: string;
  data: Record<string, string>;
  owner: string;
  attempts: number;
  /** A previous holder's claim was taken over: its effect may have reached the outside world. */
  takenOver: boolean;
}

/** One key per effect: its name and its data, in a fixed order. */
export function effectKey(name: string, data: Record<string, string>): string {
  return [
    name,
    ...Object.keys(data)
      .sort()
      .map((k) => data[k]),
  ].join(':');
}

export async function askEffect(models: EffectModels, ask: EffectAsk): Promise<string> {
  const key = effectKey(ask.name, ask.data);
  const at = ask.at ?? new Date();
  const fresh = { name: ask.name, data: ask.data, attempts: 0, createdAt: new Date() };
  if ((ask.mode ?? 'once') === 'once') {
    await withUpsertRetry(() =>
      models.Effect.updateOne({ _id: key }, { $setOnInsert: { ...fresh, wanted: true, nextAt: at } }, { upsert: true }),
    );
    return key;
  }
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      // Waiting (or absent): wanted, and due no later than asked. Being worked: the filter misses and the
      // upsert collides with the held record (E11000), which is the signal to mark it for one more run.
      await models.Effect.updateOne(
        { _id: key, owner: null },
        { $set: { wanted: true }, $min: { nextAt: at }, $setOnInsert: fresh },
        { upsert: true },
      );
      return key;
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
    const held = await models.Effect.updateOne(
      { _id: key, owner: { $ne: null } },
      { $set: { wanted: true }, $min: { askedAt: at } },
    );
    if (held.matchedCount) return key;
    // It was finished (or inserted by a racing ask) in between: ask again.
  }
  throw new Error(`could not ask for ${key}: it kept changing`);
}

/**
 * Claims one due effect (the oldest due first), or the effect `key` if it is waiting, for `holdMs`.
 * `lane` keeps urgent work (incidents) from queueing behind a backlog of cards.
 */
export async function claimEffect(
  models: EffectModels,
  opts: { holdMs: number; names?: string[]; excludeNames?: string[]; key?: string },
): Promise<ClaimedEffect | undefined> {
  const owner = randomUUID();
  const now = new Date();
  const filter: Record<string, unknown> = opts.key
    ? { _id: opts.key, owner: null, nextAt: { $lte: now } }
    : { nextAt: { $lte: now } };
  if (opts.names) filter.name = { $in: opts.names };
  else if (opts.excludeNames?.length) filter.name = { $nin: opts.excludeNames };
  const before = await models.Effect.findOneAndUpdate(
    filter,
    { $set: { owner, wanted: false, nextAt: new Date(now.getTime() + opts.holdMs) } },
    { sort: { nextAt: 1 }, returnDocument: 'before' },
  ).lean();
  if (!before) return undefined;
  return {
    key: before._id,
    name: before.name,
    data: (before.data ?? {}) as Record<string, string>,
    owner,
    attempts: before.attempts ?? 0,
    takenOver: !!before.owner,
  };
}

/** Extends a live claim; false when it was taken over (the holder should stop). */
export async function renewEffect(models: EffectModels, claim: ClaimedEffect, holdMs: number): Promise<boolean> {
  const res = await models.Effect.updateOne(
    { _id: claim.key, owner: claim.owner },
    { $set: { nextAt: new Date(Date.now() + holdMs) } },
  );
  return res.matchedCount === 1;
}

/**
 * Done: the record goes, unless someone asked again meanwhile; then it is due when that ask wanted it (a
 * throttled refresh asks for a later slot), which is returned.
 */
export async function finishEffect(models: EffectModels, claim: ClaimedEffect): Promise<Date | undefined> {
  const gone = await models.Effect.deleteOne({ _id: claim.key, owner: claim.owner, wanted: false });
  if (gone.deletedCount) return undefined;
  const held = await models.Effect.findOne({ _id: claim.key, owner: claim.owner }, { askedAt: 1 }).lean();
  if (!held) return undefined;
  const nextAt = held.askedAt ?? new Date();
  await models.Effect.updateOne(
    { _id: claim.key, owner: claim.owner },
    { $unset: { owner: 1, lastError: 1, askedAt: 1 }, $set: { nextAt, attempts: 0 } },
  );
  return nextAt;
}

/** Failed: due again at `retryAt`, or dropped (`retryAt` undefined) once its retries are spent. */
export async function failEffect(
  models: EffectModels,
  claim: ClaimedEffect,
  error: string,
  retryAt: Date | undefined,
): Promise<void> {
  if (!retryAt) {
    await models.Effect.deleteOne({ _id: claim.key, owner: claim.owner });
    return;
  }
  await models.Effect.updateOne(
    { _id: claim.key, owner: claim.owner },
    {
      $unset: { owner: 1 },
      $set: { wanted: true, nextAt: retryAt, lastError: error.slice(0, 500) },
      $inc: { attempts: 1 },
    },
  );
}
