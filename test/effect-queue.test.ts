import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'mongoose';
import { bindModels, ensureIndexes, type Models } from '../src/db/models/index.js';
import { askEffect, claimEffect, effectKey, failEffect, finishEffect } from '../src/db/effect-queue.js';
import { DeliveryWorker } from '../src/delivery/worker.js';
import { createLogger } from '../src/logger.js';
import { connectTestDb } from './support/harness.js';
import { waitFor } from './support/settle.js';

/** The delivery queue against the real database: one record per effect, claims fenced by owner and deadline. */
describe('effect queue', () => {
  let db: Connection;
  let models: Models;
  beforeAll(async () => {
    db = await connectTestDb('effect_queue');
    models = bindModels(db);
    await ensureIndexes(models);
  });
  afterAll(async () => {
    await db.dropDatabase();
    await db.close();
  });

  const HOLD = 60_000;

  it('keeps one record for 16 concurrent asks, waiting or being worked', async () => {
    for (let round = 0; round < 3; round++) {
      const data = { ticketId: `t${round}` };
      await Promise.all(Array.from({ length: 16 }, () => askEffect(models, { name: 'test.once', data })));
      expect(await models.Effect.countDocuments({ _id: effectKey('test.once', data) })).toBe(1);
      const claim = await claimEffect(models, { holdMs: HOLD, key: effectKey('test.once', data) });
      expect(claim).toBeTruthy();
      // While it is worked, asking again neither adds work nor re-arms a once-effect.
      await Promise.all(Array.from({ length: 16 }, () => askEffect(models, { name: 'test.once', data })));
      await finishEffect(models, claim!);
      expect(await models.Effect.countDocuments({ _id: effectKey('test.once', data) })).toBe(0);
    }
  });

  it('runs a re-render once more when it is asked for while it runs, at the time that ask wants', async () => {
    const data = { ticketId: 'again' };
    await askEffect(models, { name: 'test.again', data, mode: 'again' });
    const claim = await claimEffect(models, { holdMs: HOLD, key: effectKey('test.again', data) });
    const later = new Date(Date.now() + 30_000);
    await Promise.all(
      Array.from({ length: 8 }, () => askEffect(models, { name: 'test.again', data, mode: 'again', at: later })),
    );
    await finishEffect(models, claim!);
    const record = await models.Effect.findById(effectKey('test.again', data)).lean();
    expect(record).toMatchObject({ wanted: true });
    expect(record?.owner ?? null).toBeNull();
    expect(record?.nextAt?.getTime()).toBe(later.getTime());
  });

  it('gives a claim whose holder died to the next worker, which knows it was taken over', async () => {
    const data = { ticketId: 'crashed' };
    await askEffect(models, { name: 'test.crash', data });
    const first = await claimEffect(models, { holdMs: 2000, names: ['test.crash'] });
    expect(first?.takenOver).toBe(false);
    expect(await claimEffect(models, { holdMs: HOLD, names: ['test.crash'] })).toBeUndefined();
    await new Promise((r) => setTimeout(r, 2100));
    const second = await claimEffect(models, { holdMs: HOLD, names: ['test.crash'] });
    expect(second).toMatchObject({ key: first!.key, takenOver: true });
    // The dead holder's late finish is fenced out; the new holder's counts.
    await finishEffect(models, first!);
    expect(await models.Effect.countDocuments({ _id: first!.key })).toBe(1);
    await failEffect(models, second!, 'boom', new Date(Date.now() + 60_000));
    expect(await models.Effect.findById(first!.key).lean()).toMatchObject({
      attempts: 1,
      lastError: 'boom',
      wanted: true,
    });
  });

  it('works what it is asked for at once, retries failures, and three workers never run the same effect twice', async () => {
    const runs: string[] = [];
    let failures = 1;
    const kinds = {
      'test.work': {
        run: async (d: Record<string, string>) => {
          if (d.n === '3' && failures-- > 0) throw new Error('flaky');
          await new Promise((r) => setTimeout(r, 20));
          runs.push(d.n!);
        },
      },
    };
    const logger = createLogger('silent');
    const workers = [0, 1, 2].map(() => new DeliveryWorker({ models, logger, kinds, retryBaseMs: 20, pollMs: 50 }));
    // Every effect asked for three times, from three processes, before any works: each is recorded once.
    await Promise.all(
      Array.from({ length: 60 }, (_, i) => workers[i % 3]!.ask({ name: 'test.work', data: { n: String(i % 20) } })),
    );
    workers.forEach((w) => w.start());
    await waitFor(() => runs.length >= 20, 'the effects to run', 20_000);
    await Promise.all(workers.map((w) => w.stop()));
    expect(runs.sort()).toEqual(Array.from({ length: 20 }, (_, i) => String(i)).sort());
    expect(await models.Effect.countDocuments({ name: 'test.work' })).toBe(0);
  });
});

/** Runs under a claim held elsewhere (a new ticket's intake): a few at a time, in order, never after a stop. */
describe('held runs', () => {
  function worker(started: string[], gates: Map<string, () => void>, renewed: unknown[][] = []) {
    const w = new DeliveryWorker({
      holdMs: 300,
      models: {} as Models,
      logger: createLogger('silent'),
      kinds: {
        'test.held': {
          run: async () => undefined,
          held: (data, _held, yieldTurn) =>
            new Promise<void>((resolve) => {
              started.push(data.id!);
              gates.set(data.id!, () => resolve());
              if (data.id === 'waits') yieldTurn();
            }),
          renewHeld: async (helds) => void renewed.push(helds),
        },
      },
      retryBaseMs: 10,
      heldSlots: 2,
    });
    return w;
  }

  it('starts at most heldSlots at once, the rest in arrival order; one that only waits frees its turn', async () => {
    const started: string[] = [];
    const gates = new Map<string, () => void>();
    const w = worker(started, gates);
    w.start();
    for (const id of ['waits', 'a', 'b', 'c']) w.runHeld('test.held', { id }, {});
    // 'waits' yields its turn at once: 'a' and 'b' take the two slots, 'c' waits for one of them.
    await waitFor(() => started.length === 3, 'three held runs started');
    expect(started).toEqual(['waits', 'a', 'b']);
    gates.get('a')!();
    await waitFor(() => started.length === 4, 'the fourth once a slot is free');
    expect(started[3]).toBe('c');
    for (const id of ['waits', 'b', 'c']) gates.get(id)!();
    await w.stop();
  });

  it('renews the claims of the held runs waiting for a turn, together, and not those running', async () => {
    const started: string[] = [];
    const gates = new Map<string, () => void>();
    const renewed: unknown[][] = [];
    const w = worker(started, gates, renewed);
    w.start();
    for (const id of ['a', 'b', 'c', 'd']) w.runHeld('test.held', { id }, { claimOf: id });
    // Claims last 300 ms here: every 100 ms the two waiting ones are renewed in one call.
    await waitFor(() => renewed.length >= 2, 'two renewals');
    expect(renewed[0]).toEqual([{ claimOf: 'c' }, { claimOf: 'd' }]);
    for (const id of ['a', 'b']) gates.get(id)!();
    await waitFor(() => started.length === 4, 'the waiting ones started');
    for (const id of ['c', 'd']) gates.get(id)!();
    const after = renewed.length;
    await new Promise((r) => setTimeout(r, 250));
    expect(renewed.length).toBe(after);
    await w.stop();
  });

  it('does not start a waiting held run after a stop: its claim runs out and another process takes it', async () => {
    const started: string[] = [];
    const gates = new Map<string, () => void>();
    const w = worker(started, gates);
    w.start();
    for (const id of ['a', 'b', 'c']) w.runHeld('test.held', { id }, {});
    await waitFor(() => started.length === 2, 'two held runs started');
    const stopping = w.stop();
    gates.get('a')!();
    gates.get('b')!();
    await stopping;
    expect(started).toEqual(['a', 'b']);
  });
});
