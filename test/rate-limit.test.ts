import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'mongoose';
import { bindModels, ensureIndexes, type Models } from '../src/db/models/index.js';
import { HOUR_MS, takeRate } from '../src/db/rate-limit.js';
import { connectTestDb } from './support/harness.js';

/**
 * The shared rate counter behind every intake and mail limit: exact under concurrency, on the real
 * database. On SecantusDB this also covers its answer to a lost upsert race (n: 1, no document).
 */
describe('takeRate', () => {
  let db: Connection;
  let models: Models;
  beforeAll(async () => {
    db = await connectTestDb('rate_limit');
    models = bindModels(db);
    await ensureIndexes(models);
  });
  afterAll(async () => {
    await db.dropDatabase();
    await db.close();
  });

  it('lets exactly `limit` of many concurrent hits through, window after window', async () => {
    const now = new Date('2026-03-02T10:30:00Z');
    for (let round = 0; round < 20; round++) {
      const decisions = await Promise.all(
        Array.from({ length: 6 }, () => takeRate(models, `race-${round}`, 3, HOUR_MS, now)),
      );
      expect(decisions.filter((d) => d.allowed)).toHaveLength(3);
      expect(
        (await models.RateCounter.findById(`race-${round}@${Date.parse('2026-03-02T10:00:00Z')}`).lean())?.count,
      ).toBe(3);
    }
  });

  it('starts a fresh window on the hour and says how long until then', async () => {
    const at = (iso: string) => takeRate(models, 'window', 1, HOUR_MS, new Date(iso));
    expect(await at('2026-03-02T10:59:00Z')).toMatchObject({ allowed: true, count: 1 });
    expect(await at('2026-03-02T10:59:30Z')).toMatchObject({ allowed: false, retryAfterMs: 30_000 });
    expect(await at('2026-03-02T11:00:00Z')).toMatchObject({ allowed: true, count: 1 });
    expect(await takeRate(models, 'never', 0, HOUR_MS, new Date())).toMatchObject({ allowed: false });
  });
});
