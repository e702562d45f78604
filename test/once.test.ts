import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Connection } from 'mongoose';
import { bindModels, ensureIndexes, type Models } from '../src/db/models/index.js';
import { nextSequence } from '../src/db/models/counter.js';
import { deliverOnce, FencedOutError } from '../src/db/once.js';
import { upsertAndGet } from '../src/db/upsert-retry.js';
import { connectTestDb } from './support/harness.js';
import { waitFor } from './support/settle.js';

/** The once-module against the real database: MongoDB's atomic single-document updates are all it relies on. */
describe('deliverOnce', () => {
  let db: Connection;
  let models: Models;
  beforeAll(async () => {
    db = await connectTestDb('once');
    models = bindModels(db);
    await ensureIndexes(models);
  });
  afterAll(async () => {
    await db.dropDatabase();
    await db.close();
  });
  afterEach(() => vi.useRealTimers());

  const base = (key: string) => ({ key, kind: 'test', at: new Date(), deadlineMs: 60_000 });

  it('gives exactly one of 16 concurrent claimers the effect', async () => {
    let effects = 0;
    // The winner holds its claim until the other fifteen have given up, so every one of them meets it in
    // flight (a second effect, were there one, opens the gate at once and fails the count below).
    let othersDone!: () => void;
    const othersFinished = new Promise<void>((r) => (othersDone = r));
    let finished = 0;
    const outcomes = await Promise.all(
      Array.from({ length: 16 }, () =>
        deliverOnce(models, {
          ...base('race'),
          send: async () => {
            effects++;
            if (effects > 1) othersDone();
            await othersFinished;
            return { n: effects };
          },
        }).finally(() => {
          if (++finished === 15) othersDone();
        }),
      ),
    );
    expect(effects).toBe(1);
    // The winner sent it; the fifteen others all met its claim in flight (it held on until they had given up).
    const sent = outcomes.filter((o) => o.status === 'done' && o.by === 'sent');
    expect(sent).toEqual([{ status: 'done', result: { n: 1 }, by: 'sent' }]);
    expect(outcomes.filter((o) => o.status === 'busy')).toHaveLength(15);
    // A later call finds it done with its result.
    expect(await deliverOnce(models, { ...base('race'), send: async () => ({ n: 99 }) })).toEqual({
      status: 'done',
      result: { n: 1 },
      by: 'earlier',
    });
    expect(await models.Delivery.findById('race').lean()).toMatchObject({ state: 'done', attempts: 1 });
  });

  it('keeps a live holder’s claim past its deadline: another caller is told it is busy', async () => {
    let release!: () => void;
    const answer = new Promise<string>((r) => (release = () => r('slow')));
    const slow = deliverOnce(models, { ...base('live'), deadlineMs: 150, send: () => answer });
    await waitFor(() => models.Delivery.findOne({ _id: 'live', state: 'sending' }).lean(), 'the claim');
    await new Promise((r) => setTimeout(r, 600)); // four deadlines
    expect(await deliverOnce(models, { ...base('live'), send: async () => 'second' })).toEqual({ status: 'busy' });
    release();
    expect(await slow).toEqual({ status: 'done', result: 'slow', by: 'sent' });
  });

  it('lets a new worker take over a claim past its deadline; the late holder cannot record over it', async () => {
    // The late holder hangs: its timers, the claim's renewal among them, do not run.
    vi.useFakeTimers({ toFake: ['setInterval'] });
    let releaseLate!: () => void;
    const lateMayFinish = new Promise<void>((r) => (releaseLate = r));
    const late = deliverOnce(models, {
      ...base('takeover'),
      deadlineMs: 100,
      send: async () => {
        await lateMayFinish;
        return { by: 'late' };
      },
    });
    // The late holder has claimed it, and its deadline has passed.
    const claim = await waitFor(
      () => models.Delivery.findOne({ _id: 'takeover', state: 'sending' }).lean(),
      'the first claim',
    );
    await waitFor(() => claim.deadline!.getTime() < Date.now(), 'the first claim to pass its deadline');
    let checked = 0;
    const taker = await deliverOnce(models, {
      ...base('takeover'),
      check: async () => {
        checked++;
        return undefined; // the late holder's call had not reached anyone yet
      },
      send: async () => ({ by: 'taker' }),
    });
    expect(checked).toBe(1);
    expect(taker).toEqual({ status: 'done', result: { by: 'taker' }, by: 'sent' });
    vi.useRealTimers();
    releaseLate();
    await expect(late).rejects.toBeInstanceOf(FencedOutError);
    expect((await models.Delivery.findById('takeover').lean())?.result).toEqual({ by: 'taker' });
  });

  it('resolves a crash between "may have reached" and "done" by the check, not by a second effect', async () => {
    // A worker claimed the effect, its call went out, and the process died before recording it.
    await models.Delivery.create({
      _id: 'crashed',
      kind: 'test',
      state: 'sending',
      owner: 'dead-worker',
      deadline: new Date(Date.now() - 1000),
      attempts: 1,
      createdAt: new Date(),
    });
    const world = [{ key: 'crashed', ts: '111.222' }];
    let sent = 0;
    const outcome = await deliverOnce(models, {
      ...base('crashed'),
      check: async () => world.find((m) => m.key === 'crashed'),
      send: async () => {
        sent++;
        return { key: 'crashed', ts: 'second' };
      },
    });
    expect(sent).toBe(0);
    expect(outcome).toEqual({ status: 'done', result: { key: 'crashed', ts: '111.222' }, by: 'found' });
  });

  it('after a failure that may have reached, the next attempt checks first; after a definite refusal it does not', async () => {
    let checks = 0;
    const attempt = (fail: string | undefined) =>
      deliverOnce(models, {
        ...base(`fail-${String(fail)}`),
        mayHaveReached: (err) => (err as Error).message !== 'refused',
        check: async () => void checks++,
        send: async () => {
          if (fail) throw new Error(fail);
          return 'ok';
        },
      });
    await expect(attempt('refused')).rejects.toThrow('refused');
    await deliverOnce(models, { ...base('fail-refused'), check: async () => void checks++, send: async () => 'ok' });
    expect(checks).toBe(0);
    await expect(attempt('timeout')).rejects.toThrow('timeout');
    await deliverOnce(models, { ...base('fail-timeout'), check: async () => void checks++, send: async () => 'ok' });
    expect(checks).toBe(1);
  });

  it('keeps ticket numbers unique under 16 concurrent creators of a new sequence', async () => {
    const numbers = await Promise.all(Array.from({ length: 16 }, () => nextSequence(models.Counter, 'fresh-seq')));
    expect(new Set(numbers).size).toBe(16);
    expect(Math.min(...numbers)).toBe(1001);
    expect(Math.max(...numbers)).toBe(1016);
  });

  it('gives every one of 16 concurrent upserts of one filter its document (SecantusDB may answer null; retried)', async () => {
    for (let round = 0; round < 5; round++) {
      const upsert = () =>
        upsertAndGet(() =>
          models.Checkpoint.findOneAndUpdate(
            { _id: `race-${round}` },
            { $setOnInsert: { at: new Date() } },
            { upsert: true, returnDocument: 'after' },
          ).lean(),
        );
      const docs = await Promise.all(Array.from({ length: 16 }, upsert));
      expect(docs.every((d) => d?._id === `race-${round}`)).toBe(true);
      expect(await models.Checkpoint.countDocuments({ _id: `race-${round}` })).toBe(1);
    }
  });
});
