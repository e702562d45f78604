import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'mongoose';
import { changeTicket } from '../src/domain/ticket-changes.js';
import { sweepSla } from '../src/flows/sla-sweep.js';
import { FakeSlack } from './support/fake-slack.js';
import { postedCard } from './support/fixtures.js';
import { connectTestDb, ManualClock, startTestApp, type TestApp } from './support/harness.js';
import { waitFor } from './support/settle.js';
import { sendWebhook, WEBHOOK_SECRET } from './support/webhooks.js';

const START = new Date('2026-03-02T10:00:00Z'); // a Monday; P1 runs 24/7: 2 h first response, 8 h resolution
const MIN = 60_000;
const env = {
  INTAKE_WEBHOOK_SECRET: WEBHOOK_SECRET,
  SUPPORT_LEADS_USERGROUP: 'SLEADS01',
  ESCALATION_L2_USERGROUP: 'SENGINEERS',
  SLA_SWEEP_INTERVAL: '2 seconds',
  DAILY_SUMMARY_CRON: '0 0 1 1 *',
  WEEKLY_DIGEST_CRON: '0 0 1 1 *',
  HEALTH_TOKEN: 'health-token-0123456789abcdef',
};

describe('SLA reminders with two Deskbell processes on one database', () => {
  let db: Connection;
  let slack: FakeSlack;
  const clock = new ManualClock(START);
  let a: TestApp;
  let b: TestApp;
  const tickets: Record<'unassigned' | 'assigned', { id: string; key: string; cardTs: string }> = {} as never;

  beforeAll(async () => {
    db = await connectTestDb('sla_reminders');
    slack = await new FakeSlack().start();
    a = await startTestApp({ db, slack, clock, env });
    b = await startTestApp({ db, slack, clock, env });
    for (const which of ['unassigned', 'assigned'] as const) {
      const res = await sendWebhook(a.url, {
        subject: `Checkout ${which}`,
        body: 'Payments fail at checkout',
        requester: { email: 'ada@example.com' },
        priority: 'P1',
        category: 'bug',
      });
      const { id, ticket: key } = (await res.json()) as { id: string; ticket: string };
      const { ts } = await postedCard(a.app, id);
      tickets[which] = { id, key, cardTs: ts };
    }
    await changeTicket(a.app.context, tickets.assigned.id, { actor: { type: 'user', id: 'ULEAD' } }, (t, record) => {
      t.assignee = 'UAGENT1';
      t.status = 'in_progress';
      record({ kind: 'assigned', data: { assignee: 'UAGENT1' } });
    });
  });

  afterAll(async () => {
    await a.stop({ keepDb: true });
    await b.stop({ keepDb: true });
    await slack.stop();
    await db.dropDatabase();
    await db.close();
  });

  const threadNotes = (which: keyof typeof tickets, needle: string) =>
    slack.messages.filter((m) => m.thread_ts === tickets[which].cardTs && String(m.text).includes(needle));
  const dms = (needle: string) =>
    slack.messages.filter((m) => m.channel === 'UAGENT1' && String(m.text).includes(needle));

  /** Both processes sweep at the same moment, then the deliveries they queued drain. */
  async function sweepBoth(...apps: TestApp[]) {
    await Promise.all(apps.map((t) => sweepSla(t.app.context)));
    await drained();
  }

  async function drained() {
    // Not settled(): the 2-second sweep keeps the scheduler from ever looking idle; an effect's record goes when done.
    const effects = db.collection('effects');
    await waitFor(
      async () =>
        (await effects.countDocuments({ name: { $in: ['card.thread-note', 'sla.direct-message', 'card.update'] } })) ===
        0,
      'deliveries to drain',
    );
  }

  it('warns at 75 %: a DM to the assignee, a thread note when nobody is assigned, each once', async () => {
    clock.set(new Date(START.getTime() + 89 * MIN));
    await sweepBoth(a, b);
    expect(threadNotes('unassigned', '75 %')).toHaveLength(0);

    clock.set(new Date(START.getTime() + 91 * MIN));
    await sweepBoth(a, b);
    await sweepBoth(a, b);

    const [note, ...extraNotes] = threadNotes('unassigned', '75 % of the first-response target');
    expect(extraNotes).toHaveLength(0);
    expect(note!.text).toContain('Nobody is assigned');
    expect(note!.channel).toBe('CSUPPORT1');

    const [dm, ...extraDms] = dms('75 % of its first-response target');
    expect(extraDms).toHaveLength(0);
    expect(dm!.text).toContain(
      `<https://acme.slack.com/archives/CSUPPORT1/p${tickets.assigned.cardTs.replace('.', '')}|${tickets.assigned.key}>`,
    );
    expect(dm!.text).toContain('Checkout assigned');
    expect(threadNotes('assigned', '75 %')).toHaveLength(0);

    const stored = await a.app.context.models.Ticket.findById(tickets.assigned.id).lean();
    expect(stored!.timeline.filter((e) => e.kind === 'sla_warning')).toHaveLength(1);
    // The reminder's key is recorded once, as the dedupe key of its one timeline event.
    expect(
      stored!.timeline.filter((e) => e.dedupeKey?.startsWith(`sla:${tickets.assigned.id}:response:warn:`)),
    ).toHaveLength(1);
  });

  it('pings the assignee and the leads at the breach, marks the card and escalates one level, once', async () => {
    clock.set(new Date(START.getTime() + 121 * MIN));
    await Promise.all([sweepBoth(a, b), sweepBoth(b, a)]);

    for (const which of ['unassigned', 'assigned'] as const) {
      const breaches = threadNotes(which, 'First-response target missed');
      expect(breaches).toHaveLength(1);
      expect(breaches[0]!.text).toContain('<!subteam^SLEADS01>');
      expect(breaches[0]!.text).toContain('Escalated to L2 engineering <!subteam^SENGINEERS>');
      const stored = await a.app.context.models.Ticket.findById(tickets[which].id).lean();
      expect(stored).toMatchObject({ escalationLevel: 'L2', card: { breached: true } });
      expect(stored!.timeline.filter((e) => e.kind === 'escalated')).toHaveLength(1);
    }
    expect(threadNotes('assigned', 'First-response target missed')[0]!.text).toContain('<@UAGENT1>');
    expect(threadNotes('unassigned', 'First-response target missed')[0]!.text).toContain('Nobody is assigned.');

    const card = slack.messages.find((m) => m.ts === tickets.assigned.cardTs);
    expect(JSON.stringify(card!.blocks)).toContain('SLA breached');
  });

  it('still sends each reminder once after a restart, and the next target goes on', async () => {
    await b.stop({ keepDb: true });
    b = await startTestApp({ db, slack, clock, env });
    await sweepBoth(a, b);
    for (const which of ['unassigned', 'assigned'] as const)
      expect(threadNotes(which, 'First-response target missed')).toHaveLength(1);
    expect(dms('75 %')).toHaveLength(1);

    // 75 % of the 8 h resolution target.
    clock.set(new Date(START.getTime() + 6 * 60 * MIN + MIN));
    await Promise.all([sweepBoth(a, b), sweepBoth(a, b)]);
    expect(threadNotes('unassigned', '75 % of the resolution target')).toHaveLength(1);
    expect(dms('75 % of its resolution target')).toHaveLength(1);
    expect(dms('75 %')).toHaveLength(2);
  });

  it('reports the last sweep on /healthz', async () => {
    const res = await fetch(`${a.url}/healthz`, { headers: { authorization: `Bearer ${env.HEALTH_TOKEN}` } });
    const body = (await res.json()) as { checks: { scheduler: { ok: boolean; detail: string } } };
    expect(body.checks.scheduler).toMatchObject({ ok: true });
    expect(body.checks.scheduler.detail).toMatch(/^last SLA sweep \d{4}-/);
  });
});
