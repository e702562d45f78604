import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { demoStart, fillDemoWeek } from '../src/sandbox/demo/week.js';
import type { Sandbox } from '../src/sandbox/sandbox.js';
import { startSandbox } from '../src/sandbox/start.js';
import { uniqueDbName } from './support/harness.js';

/** `npm run sandbox -- --demo`: a week played through Deskbell's real entry points, ending now. */
describe('the sandbox demo week', () => {
  let s: Sandbox;
  const steps: string[] = [];

  beforeAll(async () => {
    s = await startSandbox({
      mongoUri: inject('mongoUri'),
      dbName: uniqueDbName('sandbox_demo'),
      port: 0,
      logLevel: 'silent',
      start: demoStart(),
    });
    await fillDemoWeek(s, (step) => steps.push(step));
  }, 240_000);
  afterAll(async () => {
    await s?.db.dropDatabase().catch(() => undefined);
    await s?.stop();
  });

  it('leaves tickets of every priority, an active and a resolved P0 (war room, report), a storm', async () => {
    const { Ticket, Incident, Storm } = s.app.context.models;
    expect(await Ticket.distinct('priority')).toEqual(expect.arrayContaining(['P0', 'P1', 'P2', 'P3']));
    const active = await Incident.findOne({ status: 'active' }).lean();
    expect(active?.channel?.id).toBeTruthy();
    expect(s.slack.messages.filter((m) => m.channel === active!.channel!.id).length).toBeGreaterThan(2);
    const resolved = await Incident.findOne({ status: 'resolved' }).lean();
    expect(resolved?.report?.submittedAt).toBeTruthy();
    expect(
      s.slack
        .filesIn(resolved!.channel!.id!)
        .map((f) => f.filename)
        .join(),
    ).toMatch(/\.md$/);
    expect((await Storm.findOne().lean())?.card?.ts).toBeTruthy();
  });

  it('spreads the week over its days, answers requesters by mail, ends with the lead’s report at now', async () => {
    const days = new Set(
      s.slack.messages
        .filter((m) => m.channel === 'C0SUPPORT')
        .map((m) => new Date(Number(m.ts.split('.')[0]) * 1000).toDateString()),
    );
    expect(days.size).toBeGreaterThanOrEqual(5);
    expect(s.slack.messages.some((m) => m.metadata?.event_type === 'deskbell_summary')).toBe(true);
    expect(s.mails().some((m) => m.to.includes('ada@example.com') && /Firefox|browser/.test(m.text))).toBe(true);
    expect(
      s.slack
        .filesIn('DU0LEAD')
        .map((f) => f.filename.split('.').pop())
        .sort(),
    ).toEqual(expect.arrayContaining(['csv', 'png']));
    expect(Math.abs(s.clock.now().getTime() - Date.now())).toBeLessThan(60 * 60_000);
    expect(s.busyWith).toBeUndefined();
    expect(steps.length).toBeGreaterThan(15);
  });
});
