import { randomUUID } from 'node:crypto';
import type { Types } from 'mongoose';
import { isDuplicateKeyError, type idempotencyKeyModel } from './models/idempotency-key.js';

type KeyModel = ReturnType<typeof idempotencyKeyModel>;

export interface ClaimOptions {
  /** Business time of the claim (stored as the key's createdAt, e.g. "when the last summary was made"). */
  at: Date;
  /** A claim neither completed nor released after this long (real time) was left by a process that died: it may be taken over. */
  staleMs: number;
  ticketId?: Types.ObjectId | string;
  data?: Record<string, unknown>;
}

export type Claim =
  | { claimed: true; complete(data?: Record<string, unknown>): Promise<void>; release(): Promise<void> }
  | { claimed: false; done: boolean };

interface ClaimData {
  owner?: string;
  claimedAtMs?: number;
  done?: boolean;
}

/**
 * "Do this once" across processes, restarts and jobs that run twice: inserting the key under its unique
 * `_id` is the claim (atomic on MongoDB and FerretDB alike). The holder marks it complete when the effect
 * happened, or releases it when it failed so a retry can claim again. A claim left incomplete by a process
 * that died is taken over after `staleMs`; removing it is guarded by its owner, so two processes taking
 * over at once cannot both win.
 */
export async function claimOnce(model: KeyModel, key: string, opts: ClaimOptions): Promise<Claim> {
  const owner = randomUUID();
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await model.create({ _id: key, ticketId: opts.ticketId, createdAt: opts.at, data: { ...opts.data, owner, claimedAtMs: Date.now(), done: false } });
      return {
        claimed: true,
        complete: async (data) => {
          const set: Record<string, unknown> = { 'data.done': true };
          for (const [k, v] of Object.entries(data ?? {})) set[`data.${k}`] = v;
          await model.updateOne({ _id: key, 'data.owner': owner }, { $set: set });
        },
        release: async () => {
          await model.deleteOne({ _id: key, 'data.owner': owner }).catch(() => undefined);
        },
      };
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const held = await model.findById(key).lean();
      if (!held) continue;
      const data = (held.data ?? {}) as ClaimData;
      // Keys written by other code (no owner) count as done.
      if (data.done !== false || !data.owner) return { claimed: false, done: true };
      if (Date.now() - (data.claimedAtMs ?? 0) < opts.staleMs) return { claimed: false, done: false };
      await model.deleteOne({ _id: key, 'data.owner': data.owner });
    }
  }
  return { claimed: false, done: false };
}
