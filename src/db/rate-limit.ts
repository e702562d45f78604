import type { Models } from './models/index.js';
import { isDuplicateKeyError } from './models/idempotency-key.js';

export interface RateDecision {
  allowed: boolean;
  /** Hits counted in the window so far (with this one when allowed). */
  count: number;
  /** Milliseconds until the window ends (for Retry-After). */
  retryAfterMs: number;
}

/**
 * Counts one hit of `key` against `limit` per `windowMs`, atomically and for every process at once: one
 * conditional upsert that only increments below the limit. At the limit the filter matches nothing, the
 * upsert tries to insert the existing `_id` and the unique index refuses it, so two processes can never
 * both take the last slot. Fixed windows: a sender may reach twice the limit across a window's edge.
 */
export async function takeRate(
  models: Pick<Models, 'RateCounter'>,
  key: string,
  limit: number,
  windowMs: number,
  now: Date,
): Promise<RateDecision> {
  const start = Math.floor(now.getTime() / windowMs) * windowMs;
  const retryAfterMs = start + windowMs - now.getTime();
  if (limit <= 0) return { allowed: false, count: 0, retryAfterMs };
  const _id = `${key}@${start}`;
  const below = { _id, count: { $lt: limit } };
  // The TTL monitor judges expiry by the server's own clock, not the app's (injectable) one: a window is
  // dropped two window-lengths of real time after it was opened, however the app's clock is set.
  const inc = { $inc: { count: 1 }, $setOnInsert: { expiresAt: new Date(Date.now() + 2 * windowMs) } };
  try {
    const res = await models.RateCounter.findOneAndUpdate(below, inc, {
      upsert: true,
      returnDocument: 'after',
      includeResultMetadata: true,
      lean: true,
    });
    if (res.value) return { allowed: true, count: res.value.count, retryAfterMs };
    // SecantusDB (beta) may answer an upsert that lost a race and then updated the existing window with
    // n: 1 but no document, where MongoDB returns the document: the hit was counted. Read the count back.
    if ((res.lastErrorObject as { n?: number } | undefined)?.n) {
      const counted = await models.RateCounter.findById(_id, { count: 1 }).lean();
      return { allowed: true, count: counted?.count ?? 1, retryAfterMs };
    }
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
  }
  // The window exists: either it is full, or another process created it at the same moment (then the
  // plain conditional increment succeeds).
  const doc = await models.RateCounter.findOneAndUpdate(
    below,
    { $inc: { count: 1 } },
    { returnDocument: 'after', lean: true },
  );
  if (doc) return { allowed: true, count: doc.count, retryAfterMs };
  const full = await models.RateCounter.findById(_id, { count: 1 }).lean();
  return { allowed: false, count: full?.count ?? limit, retryAfterMs };
}

export const HOUR_MS = 3_600_000;
