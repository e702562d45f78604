import { randomUUID } from 'node:crypto';
import type { Types } from 'mongoose';
import type { Models } from './models/index.js';
import { isDuplicateKeyError } from './models/idempotency-key.js';

/**
 * "Deliver once": the one entry point for every external effect that must happen exactly once (a card
 * post, a thread note, a mail, a DM, a summary), across processes, restarts, retried jobs and crashes.
 *
 * Each effect is a `deliveries` record keyed by src/db/once-keys.ts, moved `pending → sending → done`
 * by single-document atomic updates (MongoDB's own guarantee; no leases, no transactions):
 * - a worker claims it with a conditional update that sets `state: 'sending'`, a fresh `owner` and a
 *   `deadline`. Being in `sending` *is* the record that the effect may have reached the outside world,
 *   written before the call goes out;
 * - a live holder moves its deadline on every third of it while its `check` and `send` run, however long
 *   they take (an upload, a search through pages of history); only a holder that died or hangs lets it pass.
 *   A claim past its deadline may then be taken over; the taker knows the effect may have happened and runs
 *   `check` (e.g. search the channel for the card by its metadata) before sending again;
 * - every later write of a holder is guarded by its `owner`, so a late holder whose claim was taken over
 *   cannot record over the new one (fencing).
 */
export interface DeliverOnceOptions<R> {
  key: string;
  kind: string;
  ticketId?: Types.ObjectId | string;
  /** Business time of the first attempt (summaries find the previous one by it). */
  at: Date;
  /** Real milliseconds a claim lasts without renewal: how soon another worker takes over from a dead holder. */
  deadlineMs: number;
  /** The job that performs the effect, recorded so the reconcile sweep can ask for it again. */
  job?: { name: string; data: Record<string, string> };
  /** Looks for the effect of an earlier attempt that may have reached the outside world. */
  check?: () => Promise<R | undefined>;
  /** Performs the effect; its result is recorded. */
  send: () => Promise<R>;
  /** Whether a failure may still have taken effect (default: yes). A definite refusal retries without a check. */
  mayHaveReached?: (err: unknown) => boolean;
  /**
   * The effect is covered by a claim its caller already holds on another record (a new ticket's intake,
   * claimed by the ticket's own insert: src/domain/intake-claim.ts). Held fresh, it is sent without a record
   * of its own (a failure leaves one, so the retry knows whether to check); taken over from a holder that
   * vanished, the record is claimed as uncertain, so `check` looks for the earlier holder's effect first.
   */
  underClaim?: { takenOver: boolean };
}

export type DeliverOnceOutcome<R> =
  /** `by`: this call sent it, found it with `check`, or an earlier run had done it. */
  | { status: 'done'; result: R; by: 'sent' | 'found' | 'earlier' }
  /** Another worker holds a live claim: try again later (it will usually be done by then). */
  | { status: 'busy' };

export class FencedOutError extends Error {
  override name = 'FencedOutError';
}

export async function deliverOnce<R>(
  models: Pick<Models, 'Delivery'>,
  opts: DeliverOnceOptions<R>,
): Promise<DeliverOnceOutcome<R>> {
  if (opts.underClaim && !opts.underClaim.takenOver) return sendUnderClaim(models, opts);
  const claim = await claimDelivery(models, opts);
  if (claim.status !== 'claimed')
    return claim.status === 'done' ? { status: 'done', result: claim.result as R, by: 'earlier' } : { status: 'busy' };
  const { owner } = claim;
  const release = keepClaimed(models, opts.key, owner, opts.deadlineMs);
  try {
    return await holdAndDeliver(models, opts, claim);
  } finally {
    release();
  }
}

/** Sends under the caller's claim; only a failure is recorded (pending, and uncertain if it may have reached). */
async function sendUnderClaim<R>(
  models: Pick<Models, 'Delivery'>,
  opts: DeliverOnceOptions<R>,
): Promise<DeliverOnceOutcome<R>> {
  try {
    return { status: 'done', result: await opts.send(), by: 'sent' };
  } catch (err) {
    const failed = { state: 'pending' as const, uncertain: mayHaveReached(opts, err), lastError: errorText(err) };
    await models.Delivery.create({ ...newRecord(opts), ...failed }).catch((e: unknown) => {
      if (!isDuplicateKeyError(e)) throw e;
    });
    throw err;
  }
}

/** Moves a held claim's deadline on every third of it (fenced by owner) until released. */
function keepClaimed(models: Pick<Models, 'Delivery'>, key: string, owner: string, deadlineMs: number): () => void {
  const timer = setInterval(() => {
    const deadline = new Date(Date.now() + deadlineMs);
    const renewal = models.Delivery.updateOne({ _id: key, owner, state: 'sending' }, { $set: { deadline } });
    void renewal.catch(() => undefined);
  }, deadlineMs / 3);
  timer.unref?.();
  return () => clearInterval(timer);
}

async function holdAndDeliver<R>(
  models: Pick<Models, 'Delivery'>,
  opts: DeliverOnceOptions<R>,
  claim: { owner: string; uncertain: boolean },
): Promise<DeliverOnceOutcome<R>> {
  const { owner } = claim;
  const guard = { _id: opts.key, owner };

  if (claim.uncertain && opts.check) {
    let found: R | undefined;
    try {
      found = await opts.check();
    } catch (err) {
      await models.Delivery.updateOne(guard, {
        $set: { state: 'pending', lastError: errorText(err) },
        $unset: { owner: 1, deadline: 1 },
      });
      throw err;
    }
    if (found !== undefined)
      return { status: 'done', result: await finish(models, opts.key, owner, found), by: 'found' };
  }

  let result: R;
  try {
    result = await opts.send();
  } catch (err) {
    const uncertain = claim.uncertain || mayHaveReached(opts, err);
    await models.Delivery.updateOne(guard, {
      $set: { state: 'pending', uncertain, lastError: errorText(err) },
      $unset: { owner: 1, deadline: 1 },
    });
    throw err;
  }
  return { status: 'done', result: await finish(models, opts.key, owner, result), by: 'sent' };
}

type Claimed =
  | { status: 'claimed'; owner: string; uncertain: boolean }
  | { status: 'done'; result: unknown }
  | { status: 'busy' };

/** The claim: one conditional update (or the first insert); exactly one of any number of concurrent callers wins. */
async function claimDelivery(models: Pick<Models, 'Delivery'>, opts: DeliverOnceOptions<unknown>): Promise<Claimed> {
  // Most deliveries are new: the insert is the claim, in one command. A duplicate key means it exists.
  const first = await insertClaim(models, opts);
  if (first) return first;
  for (let attempt = 0; attempt < 4; attempt++) {
    const owner = randomUUID();
    const now = new Date();
    const deadline = new Date(now.getTime() + opts.deadlineMs);
    const before = await models.Delivery.findOneAndUpdate(
      { _id: opts.key, $or: [{ state: 'pending' }, { state: 'sending', deadline: { $lt: now } }] },
      { $set: { state: 'sending', owner, deadline }, $inc: { attempts: 1 } },
      { returnDocument: 'before' },
    ).lean();
    // Taking over a claim whose holder vanished: it may have reached the outside world.
    if (before) return { status: 'claimed', owner, uncertain: before.uncertain || before.state === 'sending' };

    const existing = await models.Delivery.findById(opts.key, { state: 1, result: 1, deadline: 1 }).lean();
    if (existing?.state === 'done') return { status: 'done', result: existing.result };
    if (existing) {
      if (existing.state === 'sending' && existing.deadline && existing.deadline.getTime() >= Date.now())
        return { status: 'busy' };
      continue; // it changed between the two reads: claim again
    }
    const inserted = await insertClaim(models, opts);
    if (inserted) return inserted;
  }
  return { status: 'busy' };
}

/** The first claim: inserting the record in `sending`. Undefined when it exists already (or a racer inserted it). */
async function insertClaim(
  models: Pick<Models, 'Delivery'>,
  opts: DeliverOnceOptions<unknown>,
): Promise<Claimed | undefined> {
  const owner = randomUUID();
  try {
    await models.Delivery.create({
      ...newRecord(opts),
      state: 'sending',
      owner,
      deadline: new Date(Date.now() + opts.deadlineMs),
    });
    // Taken over from a holder that sent without a record: it may have reached the outside world.
    return { status: 'claimed', owner, uncertain: !!opts.underClaim?.takenOver };
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
    return undefined;
  }
}

/** A delivery record's fields at its first attempt, whatever its state. */
function newRecord(opts: DeliverOnceOptions<unknown>) {
  return {
    _id: opts.key,
    kind: opts.kind,
    ticketId: opts.ticketId,
    attempts: 1,
    createdAt: opts.at,
    ...(opts.job ? { job: opts.job } : {}),
  };
}

/** Whether a failed attempt may still have taken effect (default: yes). */
function mayHaveReached(opts: DeliverOnceOptions<unknown>, err: unknown): boolean {
  return (opts.mayHaveReached ?? (() => true))(err);
}

/** Records the effect as done, fenced by the claim. A holder that lost its claim is told so (the new holder checks). */
async function finish<R>(models: Pick<Models, 'Delivery'>, key: string, owner: string, result: R): Promise<R> {
  const res = await models.Delivery.updateOne(
    { _id: key, owner, state: 'sending' },
    {
      $set: { state: 'done', result, doneAt: new Date(), uncertain: false },
      $unset: { owner: 1, deadline: 1, lastError: 1 },
    },
  );
  if (res.matchedCount === 0) {
    throw new FencedOutError(
      `${key}: the claim was taken over while this attempt was still running; the new holder checks for its effect`,
    );
  }
  return result;
}

function errorText(err: unknown): string {
  return String((err as Error)?.message ?? err).slice(0, 500);
}
