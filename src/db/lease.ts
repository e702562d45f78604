import { randomUUID } from 'node:crypto';
import type { leaseModel } from './models/lease.js';
import { isDuplicateKeyError } from './models/idempotency-key.js';

type LeaseModel = ReturnType<typeof leaseModel>;

export class LeaseBusyError extends Error {
  override name = 'LeaseBusyError';
}

export interface LeaseOptions {
  /** How long the lease lasts if its holder dies (real time). */
  ttlMs?: number;
  /** How long to wait for a busy lease before giving up with LeaseBusyError (0: don't wait). */
  waitMs?: number;
}

/**
 * Runs `fn` while holding an exclusive lease on `key`.
 *
 * Why not a conditional update? FerretDB (our test server, and a server some teams run) does not apply
 * `updateOne({ v: 0 }, …)` atomically under concurrency: several writers can all "win". An insert under a
 * unique `_id` is atomic everywhere, so the lease is a document whose insertion is the claim. A holder
 * that dies leaves a lease that expires after `ttlMs`; the next claimant removes it and claims again.
 */
export async function withLease<T>(model: LeaseModel, key: string, fn: () => Promise<T>, opts: LeaseOptions = {}): Promise<T> {
  const ttl = opts.ttlMs ?? 30_000;
  const deadline = Date.now() + (opts.waitMs ?? 5_000);
  const owner = randomUUID();
  for (let attempt = 0; ; attempt++) {
    try {
      await model.create({ _id: key, owner, until: new Date(Date.now() + ttl) });
      break;
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const held = await model.findById(key).lean();
      if (held && held.until.getTime() < Date.now()) {
        await model.deleteOne({ _id: key, owner: held.owner });
        continue;
      }
      if (Date.now() >= deadline) throw new LeaseBusyError(`${key} is busy`);
      await new Promise((r) => setTimeout(r, Math.min(200, 5 * 2 ** attempt) + Math.random() * 10));
    }
  }
  try {
    return await fn();
  } finally {
    await model.deleteOne({ _id: key, owner }).catch(() => undefined);
  }
}
