import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'mongoose';
import { counterModel, nextSequence } from '../src/db/models/counter.js';
import { connectTestDb } from './support/harness.js';

describe('ticket numbers', () => {
  let db: Connection;
  beforeAll(async () => {
    db = await connectTestDb('counter');
  });
  afterAll(async () => {
    await db.dropDatabase();
    await db.close();
  });

  it('hands out unique numbers under a concurrent burst, starting after 1000', async () => {
    const Counter = counterModel(db);
    const numbers = await Promise.all(Array.from({ length: 48 }, () => nextSequence(Counter, 'ticket')));
    expect(new Set(numbers).size).toBe(48);
    expect(Math.min(...numbers)).toBe(1001);
    const next = await nextSequence(Counter, 'ticket');
    expect(next).toBeGreaterThan(Math.max(...numbers));
  });
});
