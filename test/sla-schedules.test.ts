import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'mongoose';
import { assignTicket } from '../src/domain/triage.js';
import { sweepSla } from '../src/flows/sla-sweep.js';
import { routingGroupsOf } from '../src/slack/routing-groups.js';
import { FakeSlack } from './support/fake-slack.js';
import { postedCard } from './support/fixtures.js';
import { connectTestDb, ManualClock, startTestApp, type TestApp } from './support/harness.js';
import { waitFor } from './support/settle.js';
import { sendWebhook, WEBHOOK_SECRET } from './support/webhooks.js';

/**
 * A US team on New York hours with a short Friday, an EU team on Berlin hours (the default), routed by a
 * webhook field. A P2 (4 business hours to first response) arrives Friday 6 March 2026 at 16:30 New York
 * time, after that Friday's 15:00 close; the clocks go forward on Sunday 8 March. Its clock starts Monday
 * 09:00 EDT: the warning at 75 % is due 12:00 EDT (16:00 UTC), the breach 13:00 EDT (17:00 UTC).
 */
const weekdays = (hours: Array<[string, string]>, friday = hours) => ({
  mon: hours,
  tue: hours,
  wed: hours,
  thu: hours,
  fri: friday,
});
const POLICY = {
  schedules: {
    us: { timeZone: 'America/New_York', hours: weekdays([['09:00', '17:00']], [['09:00', '15:00']]) },
    eu: { timeZone: 'Europe/Berlin', hours: weekdays([['09:00', '17:00']]) },
  },
  defaultSchedule: 'eu',
  routing: [
    { when: { webhookField: 'region', equals: 'us' }, schedule: 'us' },
    { when: { usergroup: 'SUSTEAM01' }, schedule: 'us' },
  ],
};
const FRIDAY_1630_NY = new Date('2026-03-06T21:30:00Z');
const WARN = new Date('2026-03-09T16:00:00Z');
const BREACH = new Date('2026-03-09T17:00:00Z');
const MS = 1;

describe('SLA schedules end to end, with two Deskbell processes on one database', () => {
  let db: Connection;
  let slack: FakeSlack;
  const clock = new ManualClock(FRIDAY_1630_NY);
  let a: TestApp;
  let b: TestApp;
  let ticket: { id: string; key: string; ts: string };
  let secondId: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'deskbell-sla-')), 'sla.json');
    writeFileSync(file, JSON.stringify(POLICY));
    env = {
      INTAKE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      SLA_POLICY_FILE: file,
      SLA_SWEEP_INTERVAL: '1 hour',
      DAILY_SUMMARY_CRON: '0 0 1 1 *',
      WEEKLY_DIGEST_CRON: '0 0 1 1 *',
    };
    db = await connectTestDb('sla_schedules');
    slack = await new FakeSlack().start();
    a = await startTestApp({ db, slack, clock, env });
    b = await startTestApp({ db, slack, clock, env });
    const res = await sendWebhook(a.url, {
      subject: 'Export sometimes fails',
      body: 'A workaround exists',
      requester: { email: 'ada@example.com' },
      priority: 'P2',
      category: 'bug',
      metadata: { region: 'us' },
    });
    const { id } = (await res.json()) as { id: string };
    const card = await postedCard(a.app, id);
    ticket = { id, key: card.key, ts: card.ts };
  });

  afterAll(async () => {
    await a.stop({ keepDb: true });
    await b.stop({ keepDb: true });
    await slack.stop();
    await db.dropDatabase();
    await db.close();
  });

  const notes = (needle: string) =>
    slack.messages.filter((m) => m.thread_ts === ticket.ts && String(m.text).includes(needle));
  async function sweepBoth() {
    await Promise.all([sweepSla(a.app.context), sweepSla(b.app.context)]);
    const effects = db.collection('effects');
    await waitFor(
      async () => (await effects.countDocuments({ name: { $in: ['card.thread-note', 'card.update'] } })) === 0,
      'deliveries to drain',
    );
  }

  it('routes the ticket to the US schedule and starts its clock at Monday 09:00 New York time', async () => {
    const stored = await a.app.context.models.Ticket.findById(ticket.id).lean();
    expect(stored!.sla).toMatchObject({
      schedule: 'us',
      team: 'us',
      firstResponseDueAt: BREACH,
      responseWarnDueAt: WARN,
      nextCheckAt: WARN,
    });
    const card = slack.messages.find((m) => m.ts === ticket.ts);
    const text = JSON.stringify(card!.blocks);
    expect(text).toContain(
      'Clock runs on *us* hours (America/New_York) · first response due Mon 9 Mar, 13:00 UTC-04:00',
    );
    expect(text).toContain('first response 4 h (business hours)');
  });

  it('/support SUP-n names the schedule and the next due time on the team’s clock', async () => {
    await b.sender.command('/support', ticket.key, 'UAGENT1');
    const told = await slack.waitFor(
      () => slack.callsTo('chat.postEphemeral').find((c) => String(c.args.text).includes(ticket.key)),
      15_000,
      '/support answer',
    );
    expect(String(told.args.text)).toContain(
      'Clock runs on *us* hours (America/New_York) · first response due Mon 9 Mar, 13:00 UTC-04:00',
    );
  });

  it('warns at 12:00 and breaches at 13:00 New York time on Monday, each once across both processes', async () => {
    clock.set(new Date(WARN.getTime() - MS));
    await sweepBoth();
    expect(notes('75 %')).toHaveLength(0);

    clock.set(WARN);
    await Promise.all([sweepBoth(), sweepBoth()]);
    expect(notes('75 % of the first-response target')).toHaveLength(1);

    clock.set(new Date(BREACH.getTime() - MS));
    await sweepBoth();
    expect(notes('First-response target missed')).toHaveLength(0);

    clock.set(BREACH);
    await Promise.all([sweepBoth(), sweepBoth()]);
    expect(notes('First-response target missed')).toHaveLength(1);
    const stored = await a.app.context.models.Ticket.findById(ticket.id).lean();
    expect(stored!.sla!.responseBreachedAt).toEqual(BREACH);
  });

  it('routes by the assignee’s Slack user group once assigned', async () => {
    slack.usergroups.set('SUSTEAM01', ['UAMERICA']);
    const res = await sendWebhook(a.url, {
      subject: 'Slow on old devices',
      body: 'A workaround exists',
      requester: { email: 'bo@example.com' },
      priority: 'P2',
    });
    const { id } = (await res.json()) as { id: string };
    secondId = id;
    await postedCard(a.app, id);
    const before = await a.app.context.models.Ticket.findById(id).lean();
    expect(before!.sla).toMatchObject({ schedule: 'eu' }); // Monday 18:00 in Berlin: closed until Tuesday 09:00
    const groups = await routingGroupsOf(b.app.context, 'UAMERICA');
    expect(groups).toEqual(['SUSTEAM01']);
    await assignTicket(b.app.context, id, { actor: { type: 'user', id: 'ULEAD' } }, 'UAMERICA', groups);
    const after = await a.app.context.models.Ticket.findById(id).lean();
    // Monday 13:00 New York: open until 17:00, so the 4 hours end at 17:00 EDT (21:00 UTC).
    expect(after!.sla).toMatchObject({
      schedule: 'us',
      team: 'us',
      firstResponseDueAt: new Date('2026-03-09T21:00:00Z'),
    });
  });

  it('/support-report sla-whatif replays the week against another schedule, per priority, with one chart', async () => {
    // Monday 17:30 New York: the second ticket breached on US hours; on Berlin hours it would be due Tuesday.
    clock.set(new Date('2026-03-09T21:30:00Z'));
    await a.sender.command('/support-report', 'sla-whatif eu 7d', 'ULEAD');
    const told = await slack.waitFor(
      () => slack.callsTo('chat.postEphemeral').find((c) => String(c.args.text).startsWith('SLA what-if')),
      15_000,
      'what-if',
    );
    const text = JSON.stringify(told.args.blocks);
    expect(text).toContain('The 2 tickets created in the period');
    expect(text).toContain(
      '*P2 medium*: targets met 0 % → *0 %* (= 0 pt) · breaches 2 → *1* (▼ 1) · warnings 2 → *1* (▼ 1)',
    );
    const upload = await slack.waitFor(
      () => slack.callsTo('files.completeUploadExternal').find((c) => JSON.stringify(c.args).includes('SLA what-if')),
      30_000,
      'chart',
    );
    expect(JSON.stringify(upload.args)).toContain('"title":"SLA what-if"');
    await a.sender.command('/support-report', 'sla-whatif ../etc/passwd', 'ULEAD');
    const refused = await slack.waitFor(
      () => slack.callsTo('chat.postEphemeral').find((c) => String(c.args.text).includes('neither a schedule')),
      15_000,
      'refusal',
    );
    expect(String(refused.args.text)).toContain('(business, us, eu)');
  });

  it('a new policy at a restart counts the time before it on the old hours and moves the running targets', async () => {
    // Monday 17:30 New York: the US team now works 09:00–19:00 every weekday.
    const file = join(mkdtempSync(join(tmpdir(), 'deskbell-sla-')), 'sla.json');
    const us = { ...POLICY.schedules.us, hours: weekdays([['09:00', '19:00']]) };
    writeFileSync(file, JSON.stringify({ ...POLICY, schedules: { ...POLICY.schedules, us } }));
    await b.stop({ keepDb: true });
    b = await startTestApp({ db, slack, clock, env: { ...env, SLA_POLICY_FILE: file } });
    const id = b.app.context.policy.id;
    expect(await db.collection('sla_policies').countDocuments()).toBe(2);
    const Ticket = b.app.context.models.Ticket;
    await waitFor(async () => (await Ticket.countDocuments({ 'sla.policyId': id })) === 2, 'running tickets moved');
    // The first ticket ran 09:00–17:00 on the old hours (8 h of 48); the other 40 h from 17:30 on the new ones.
    const first = await Ticket.findById(ticket.id).lean();
    expect(first!.sla).toMatchObject({
      resolutionSpentMs: 8 * 3_600_000,
      resolutionDueAt: new Date('2026-03-13T21:30:00Z'),
    });
    // The second: 13:00–17:00 (4 h) on the old hours; 44 h on the new ones end Monday 16 March 11:30 EDT.
    const second = await Ticket.findById(secondId).lean();
    expect(second!.sla).toMatchObject({
      resolutionSpentMs: 4 * 3_600_000,
      resolutionDueAt: new Date('2026-03-16T15:30:00Z'),
    });
    // Its first response was missed at 17:00 EDT on the old hours, and stays missed then.
    expect(second!.sla!.firstResponseDueAt).toEqual(new Date('2026-03-09T21:00:00Z'));
  });
});
