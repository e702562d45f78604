import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'mongoose';
import { moveRequestKeysToTickets } from '../src/db/migrate-request-keys.js';
import { bindModels, ensureIndexes, type Models } from '../src/db/models/index.js';
import { createTicket } from '../src/domain/tickets.js';
import { defaultSlaPolicy } from '../src/domain/sla-policy.js';
import { DEFAULT_TRIAGE_RULES } from '../src/domain/triage-rules.js';
import { domainSettings } from '../src/domain/settings.js';
import { incidentSettings } from '../src/domain/incidents/settings.js';
import { noEffects } from '../src/domain/effects.js';
import type { DomainDeps } from '../src/domain/deps.js';
import { createLogger } from '../src/logger.js';
import { connectTestDb, ManualClock, testConfig } from './support/harness.js';

/** Tickets stored before the request keys moved onto them: a retry of their request still finds them. */
describe('moving request keys onto their tickets', () => {
  let db: Connection;
  let models: Models;
  let deps: DomainDeps;
  beforeAll(async () => {
    db = await connectTestDb('migrate_keys');
    models = bindModels(db);
    await ensureIndexes(models);
    const silent = createLogger('silent');
    const policy = defaultSlaPolicy('UTC');
    const settings = domainSettings(testConfig(), silent);
    deps = {
      models,
      clock: new ManualClock(),
      effects: noEffects,
      rules: DEFAULT_TRIAGE_RULES,
      policy,
      settings,
      logger: silent,
      incidents: incidentSettings(testConfig()),
    };
  });
  afterAll(async () => {
    await db.dropDatabase();
    await db.close();
  });

  it('moves every request key, keeps survey answers, and a replay then returns the old ticket', async () => {
    const now = new Date();
    const old = await models.Ticket.create({
      number: 88001,
      key: 'SUP-88001',
      source: 'webhook',
      subject: 'Stored before the upgrade',
      requester: { email: 'old@example.com' },
      createdAt: now,
      updatedAt: now,
    } as never);
    const at = new Date();
    await models.IdempotencyKey.create([
      { _id: 'webhook:id:msg_old', ticketId: old._id, createdAt: at },
      { _id: 'webhook:external:EXT-OLD', ticketId: old._id, createdAt: at },
      { _id: `csat:${old.id}:survey1`, ticketId: old._id, createdAt: at, data: { score: 5, position: 3 } },
    ]);
    expect(await moveRequestKeysToTickets(models)).toBe(2);
    expect(await moveRequestKeysToTickets(models)).toBe(0);
    expect((await models.Ticket.findById(old._id).lean())?.idempotencyKeys?.sort()).toEqual([
      'webhook:external:EXT-OLD',
      'webhook:id:msg_old',
    ]);
    expect(await models.IdempotencyKey.countDocuments()).toBe(1);
    const replay = await createTicket(deps, {
      source: 'webhook',
      requester: { email: 'old@example.com' },
      subject: 'Stored before the upgrade',
      body: 'x',
      idempotencyKeys: ['webhook:id:msg_retry', 'webhook:external:EXT-OLD'],
      acknowledge: false,
    });
    expect(replay).toMatchObject({ created: false });
    expect(replay.ticket.id).toBe(old.id);
  });
});
