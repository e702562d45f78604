import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'mongoose';
import { bindModels, ensureIndexes } from '../src/db/models/index.js';
import { defaultSlaPolicy } from '../src/domain/sla-policy.js';
import { DEFAULT_TRIAGE_RULES } from '../src/domain/triage-rules.js';
import { domainSettings } from '../src/domain/settings.js';
import { incidentSettings } from '../src/domain/incidents/settings.js';
import { noEffects } from '../src/domain/effects.js';
import type { DomainDeps } from '../src/domain/deps.js';
import { createTicket } from '../src/domain/tickets.js';
import { changeTicket } from '../src/domain/ticket-changes.js';
import { createLogger } from '../src/logger.js';
import { connectTestDb, ManualClock, testConfig } from './support/harness.js';

describe('changeTicket', () => {
  let db: Connection;
  let deps: DomainDeps;
  beforeAll(async () => {
    db = await connectTestDb('changes');
    const models = bindModels(db);
    await ensureIndexes(models);
    deps = {
      models,
      clock: new ManualClock(new Date('2026-03-02T10:00:00Z')),
      effects: noEffects,
      rules: DEFAULT_TRIAGE_RULES,
      policy: defaultSlaPolicy('UTC'),
      settings: domainSettings(testConfig(), createLogger('silent')),
      logger: createLogger('silent'),
      incidents: incidentSettings(testConfig()),
    };
  });
  afterAll(async () => {
    await db.dropDatabase();
    await db.close();
  });

  const newTicket = (key: string) =>
    createTicket(deps, {
      source: 'webhook',
      requester: { email: 'a@example.com' },
      subject: 'Login broken',
      body: 'cannot log in',
      idempotencyKeys: [key],
      acknowledge: false,
    });

  it('lands concurrent changes without losing either', async () => {
    const { ticket } = await newTicket('t1');
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        changeTicket(deps, ticket.id, { actor: { type: 'user', id: `U${i}` } }, (t, record) => {
          t.reopenCount += 1;
          record({ kind: 'test', text: `change ${i}` });
        }),
      ),
    );
    const stored = await deps.models.Ticket.findById(ticket.id).lean();
    expect(stored!.reopenCount).toBe(6);
    expect(stored!.timeline.filter((e) => e.kind === 'test')).toHaveLength(6);
  });

  it('applies a redelivered request once', async () => {
    const { ticket } = await newTicket('t2');
    const run = () =>
      changeTicket(deps, ticket.id, { actor: { type: 'user', id: 'U1' }, dedupeKey: 'action-1' }, (t, record) => {
        t.reopenCount += 1;
        record({ kind: 'test' });
      });
    const results = await Promise.all([run(), run(), run()]);
    expect(results.filter((r) => r.changed)).toHaveLength(1);
    const stored = await deps.models.Ticket.findById(ticket.id).lean();
    expect(stored!.reopenCount).toBe(1);
    expect(stored!.timeline.filter((e) => e.dedupeKey === 'action-1')).toHaveLength(1);
  });
});
