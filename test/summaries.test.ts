import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/context.js';
import { createTicket } from '../src/domain/tickets.js';
import { changeTicket } from '../src/domain/ticket-changes.js';
import { computeWeeklyReview } from '../src/domain/weekly-review.js';
import type { Category, Priority } from '../src/domain/types.js';
import { postDailySummary } from '../src/flows/daily-summary.js';
import { postWeeklyDigest } from '../src/flows/weekly-digest.js';
import { sweepSla } from '../src/flows/sla-sweep.js';
import { createApp } from '../src/app.js';
import { createLogger } from '../src/logger.js';
import { createMailer } from '../src/mail/mailer.js';
import { createSlackClient } from '../src/slack/client.js';
import { connectTestDb, ManualClock, startTestApp, testConfig, type TestApp } from './support/harness.js';
import { waitFor } from './support/settle.js';

const env = {
  SUPPORT_TIMEZONE: 'Europe/Berlin',
  // Nothing scheduled fires by itself during the test: the test runs each job at its moment.
  SLA_SWEEP_INTERVAL: '1 day',
  DAILY_SUMMARY_CRON: '0 0 1 1 *',
  WEEKLY_DIGEST_CRON: '0 0 1 1 *',
};
const H = 3_600_000;

/** Builds tickets at given moments through the domain, as the app's listeners would. */
function scenario(t: TestApp) {
  const ctx = t.app.context as AppContext;
  const clock = t.clock as ManualClock;
  let n = 0;
  const agent = { type: 'user' as const, id: 'UAGENT1' };
  const at = (iso: string) => clock.set(new Date(iso));
  return {
    ctx,
    at,
    async create(when: string, subject: string, priority: Priority, category: Category): Promise<string> {
      at(when);
      const { ticket } = await createTicket(ctx, {
        source: 'webhook',
        requester: { email: `r${++n}@example.com` },
        subject,
        body: '',
        priority,
        category,
        idempotencyKeys: [`test:${subject}:${n}`],
        acknowledge: false,
      });
      return ticket.id;
    },
    async change(
      id: string,
      when: string,
      kind: string,
      edit: (t: any) => void,
      data?: Record<string, unknown>,
    ): Promise<void> {
      at(when);
      await changeTicket(ctx, id, { actor: agent }, (ticket, record) => {
        edit(ticket);
        record({ kind, data });
      });
    },
    reply(id: string, when: string) {
      return this.change(id, when, 'agent_reply', (x) => {
        x.firstResponseAt = new Date(when);
        x.status = 'in_progress';
      });
    },
    resolve(id: string, when: string) {
      return this.change(id, when, 'resolved', (x) => {
        if (!x.firstResponseAt) x.firstResponseAt = new Date(when);
        x.status = 'resolved';
        x.resolvedAt = new Date(when);
      });
    },
    async allCardsPosted() {
      await waitFor(
        async () => (await ctx.models.Ticket.countDocuments({ 'card.ts': { $in: [null] } })) === 0,
        'cards to be posted',
        20_000,
      );
    },
  };
}

const sectionText = (blocks: any[], title: string): string =>
  blocks.find((b) => b.type === 'section' && b.text?.text?.startsWith(`*${title}*`))?.text.text ?? '';

describe('daily triage summary', () => {
  let t: TestApp;
  let s: ReturnType<typeof scenario>;
  const ids = {} as Record<'t1' | 't2' | 't3' | 't4' | 't5' | 't6' | 't7', string>;
  beforeAll(async () => {
    t = await startTestApp({ label: 'daily', env, clock: new ManualClock(new Date('2026-03-05T09:00:00Z')) });
    s = scenario(t);
    ids.t1 = await s.create('2026-03-05T10:00:00Z', 'Report totals wrong', 'P2', 'bug');
    await s.change(ids.t1, '2026-03-05T10:05:00Z', 'assigned', (x) => void (x.assignee = 'UAGENT1'));
    await s.reply(ids.t1, '2026-03-05T10:30:00Z');
    ids.t6 = await s.create('2026-03-06T07:00:00Z', 'Please add dark mode', 'P3', 'feature_request');
    await s.resolve(ids.t6, '2026-03-06T08:00:00Z');
    // Friday's summary, 09:30 in Berlin.
    s.at('2026-03-06T08:30:00Z');
    expect(await postDailySummary(s.ctx)).toBe('posted');

    ids.t5 = await s.create('2026-03-06T09:00:00Z', 'Slow dashboard', 'P2', 'bug');
    await s.change(ids.t5, '2026-03-06T09:01:00Z', 'assigned', (x) => void (x.assignee = 'UAGENT1'));
    ids.t2 = await s.create('2026-03-06T12:00:00Z', 'Cannot log in <!channel>', 'P1', 'account');
    ids.t3 = await s.create('2026-03-08T20:00:00Z', 'How do I export?', 'P3', 'question');
    for (let i = 1; i <= 11; i++)
      await s.create(`2026-03-09T06:${String(i).padStart(2, '0')}:00Z`, `Question number ${i}`, 'P3', 'question');
    ids.t7 = await s.create('2026-03-09T06:50:00Z', 'API error on import', 'P1', 'bug');
    await s.change(ids.t7, '2026-03-09T06:51:00Z', 'assigned', (x) => void (x.assignee = 'UAGENT2'));
    ids.t4 = await s.create('2026-03-09T07:00:00Z', 'Export sometimes fails', 'P2', 'bug');
    await s.change(ids.t4, '2026-03-09T07:01:00Z', 'assigned', (x) => void (x.assignee = 'UAGENT2'));
    await s.allCardsPosted();
  }, 120_000);
  afterAll(async () => t.stop());

  const key = async (id: string) => (await s.ctx.models.Ticket.findById(id).lean())!.key;
  const link = async (id: string) => {
    const ticket = (await s.ctx.models.Ticket.findById(id).lean())!;
    return `<https://acme.slack.com/archives/CSUPPORT1/p${ticket.card!.ts!.replace('.', '')}|${ticket.key}>`;
  };

  it('posts the day’s summary once in #support, with every list capped and linked to the cards', async () => {
    s.at('2026-03-09T08:30:00Z'); // Monday 09:30 in Berlin
    const outcomes = await Promise.all([postDailySummary(s.ctx), postDailySummary(s.ctx), postDailySummary(s.ctx)]);
    expect(outcomes.filter((o) => o === 'posted')).toHaveLength(1);
    const posts = t.slack
      .callsTo('chat.postMessage')
      .filter((c) => String(c.args.text).startsWith('Daily triage 2026-03-09'));
    expect(posts).toHaveLength(1);
    const { channel, blocks, text } = posts[0]!.args;
    expect(channel).toBe('CSUPPORT1');
    expect(text).toBe(
      'Daily triage 2026-03-09: 16 new, 13 unassigned, 17 open, 2 overdue first responses, 2 near or past target',
    );
    expect(blocks[0].text.text).toBe('Daily triage · Mon 9 Mar');
    // "New since" starts at Friday's summary (08:30 UTC).
    expect(blocks[1].elements[0].text).toContain(`<!date^${Date.parse('2026-03-06T08:30:00Z') / 1000}^`);

    const fresh = sectionText(blocks, 'New since the last summary');
    expect(fresh).toMatch(/^\*New since the last summary\* \(16\)/);
    expect(fresh.split('\n').filter((l) => l.startsWith('• '))).toHaveLength(10);
    expect(fresh).toContain('_and 6 more_');
    expect(fresh.indexOf(await key(ids.t2))).toBeLessThan(fresh.indexOf(await key(ids.t7))); // P1s first, oldest first
    expect(fresh).toContain(await link(ids.t5));
    expect(fresh).not.toContain(await key(ids.t1));
    expect(fresh).toContain('Cannot log in &lt;!channel&gt;');

    const unassigned = sectionText(blocks, 'Unassigned');
    expect(unassigned).toMatch(/^\*Unassigned\* \(13\)/);
    expect(unassigned).toContain('_and 3 more_');
    expect(unassigned).toContain(await link(ids.t2));
    expect(unassigned).not.toContain(await key(ids.t7));

    const table = sectionText(blocks, 'Open by priority and age');
    expect(table).toContain('P1 high: *2* (< 1 d: 1 · 1–3 d: 1 · 3–7 d: 0 · > 7 d: 0)');
    expect(table).toContain('P2 medium: *3* (< 1 d: 1 · 1–3 d: 1 · 3–7 d: 1 · > 7 d: 0)');
    expect(table).toContain('P3 low: *12* (< 1 d: 12 · 1–3 d: 0 · 3–7 d: 0 · > 7 d: 0)');
    expect(table).not.toContain('P0');

    const overdue = sectionText(blocks, 'Overdue first responses');
    expect(overdue).toMatch(/^\*Overdue first responses\* \(2\)/);
    expect(overdue.indexOf(await key(ids.t5))).toBeLessThan(overdue.indexOf(await key(ids.t2))); // most overdue first
    expect(overdue).toContain(
      `<@UAGENT1> · :rotating_light: first-response was due <!date^${Date.parse('2026-03-06T13:00:00Z') / 1000}^`,
    );

    const near = sectionText(blocks, 'Near or past target');
    expect(near).toMatch(/^\*Near or past target\* \(2\)/);
    expect(near).toContain(`:rotating_light: resolution was due <!date^${Date.parse('2026-03-06T20:00:00Z') / 1000}^`);
    expect(near).toContain(`${await link(ids.t7)}`);
    expect(near).toContain(
      `:hourglass_flowing_sand: first-response due <!date^${Date.parse('2026-03-09T08:50:00Z') / 1000}^`,
    );

    expect(sectionText(blocks, 'Top categories')).toBe(
      '*Top categories*\nQuestion / how-to: *12* · Bug / technical issue: *4* · Account / access: *1*',
    );
  });

  it('posts nothing on a holiday or a second time the same day', async () => {
    s.at('2026-03-09T15:00:00Z');
    expect(await postDailySummary(s.ctx)).toBe('already_posted');
    const holidayCtx = { ...s.ctx, policy: { ...s.ctx.policy, holidays: ['2026-03-10'] } };
    s.at('2026-03-10T08:30:00Z');
    expect(await postDailySummary(holidayCtx)).toBe('holiday');
    expect(
      t.slack.callsTo('chat.postMessage').filter((c) => String(c.args.text).startsWith('Daily triage')),
    ).toHaveLength(2);
  });
});

describe('weekly review digest', () => {
  let t: TestApp;
  let s: ReturnType<typeof scenario>;
  beforeAll(async () => {
    t = await startTestApp({ label: 'weekly', env, clock: new ManualClock(new Date('2026-03-02T09:00:00Z')) });
    s = scenario(t);
    // The week before: one ticket, answered in 1 h and resolved the next day.
    const w0 = await s.create('2026-03-02T10:00:00Z', 'Export fails for 120 rows', 'P2', 'bug');
    await s.reply(w0, '2026-03-02T11:00:00Z');
    await s.resolve(w0, '2026-03-03T10:00:00Z');
    // The week under review (Fri 6 March 14:00 – Fri 13 March 14:00 in Berlin).
    const a = await s.create('2026-03-09T08:00:00Z', 'Export fails for 500 rows', 'P1', 'bug');
    const b = await s.create('2026-03-09T08:00:00Z', 'Cannot log in', 'P1', 'account');
    await s.reply(a, '2026-03-09T09:00:00Z'); // 1 h: within the 2 h target
    await s.resolve(a, '2026-03-09T12:00:00Z'); // 4 h: within 8 h
    await s.change(a, '2026-03-09T13:00:00Z', 'csat', (x) => void (x.csatScore = 5), { score: 5 });
    await s.reply(b, '2026-03-09T11:00:00Z'); // 3 h: missed
    await s.resolve(b, '2026-03-10T08:00:00Z'); // 24 h: missed
    await s.change(b, '2026-03-10T09:00:00Z', 'csat', (x) => void (x.csatScore = 2), { score: 2 });
    const c = await s.create('2026-03-10T09:00:00Z', 'export fails for 7 rows', 'P3', 'question');
    await s.change(b, '2026-03-11T09:00:00Z', 'reopened', (x) => {
      x.status = 'in_progress';
      x.resolvedAt = undefined;
      x.reopenCount += 1;
    });
    const d = await s.create('2026-03-11T09:00:00Z', 'Site down', 'P0', 'bug');
    await s.reply(d, '2026-03-11T09:10:00Z'); // 10 min: within 15 min; resolution (4 h) is missed by Thursday
    s.at('2026-03-12T09:00:00Z');
    await sweepSla(s.ctx);
    await s.create('2026-03-12T10:00:00Z', 'Dark mode please', 'P3', 'feature_request');
    void c;
    s.at('2026-03-13T13:00:00Z'); // Friday 14:00 in Berlin
  }, 120_000);
  afterAll(async () => t.stop());

  it('computes the week’s numbers against the week before', async () => {
    const { current, previous } = await computeWeeklyReview(s.ctx, new Date('2026-03-13T13:00:00Z'));
    expect(current.window).toEqual({ start: new Date('2026-03-06T13:00:00Z'), end: new Date('2026-03-13T13:00:00Z') });
    expect(current).toMatchObject({ created: 5, resolved: 2, openAtEnd: 4 });
    expect(previous).toMatchObject({ created: 1, resolved: 1, openAtEnd: 0 });
    expect(current.firstResponse).toEqual({
      count: 3,
      medianMs: 1 * H,
      p90Ms: 3 * H,
      averageMs: ((60 + 180 + 10) * 60_000) / 3,
    });
    expect(current.resolution).toEqual({ count: 2, medianMs: 14 * H, p90Ms: 24 * H, averageMs: 14 * H });
    expect(previous.firstResponse).toEqual({ count: 1, medianMs: 1 * H, p90Ms: 1 * H, averageMs: 1 * H });
    expect(current.compliance.find((c) => c.priority === 'P1')).toEqual({
      priority: 'P1',
      response: { met: 1, total: 2 },
      resolution: { met: 1, total: 2 },
    });
    expect(current.compliance.find((c) => c.priority === 'P0')).toEqual({
      priority: 'P0',
      response: { met: 1, total: 1 },
      resolution: { met: 0, total: 1 },
    });
    expect(current.compliance.find((c) => c.priority === 'P3')).toEqual({
      priority: 'P3',
      response: { met: 0, total: 0 },
      resolution: { met: 0, total: 0 },
    });
    expect(previous.compliance.find((c) => c.priority === 'P2')).toEqual({
      priority: 'P2',
      response: { met: 1, total: 1 },
      resolution: { met: 1, total: 1 },
    });
    expect(current.reopened).toEqual({ count: 1, rate: 0.5 });
    expect(current.satisfaction).toEqual({ responses: 2, positive: 1, rate: 0.5 });
    expect(current.topCategories).toEqual([
      { category: 'bug', count: 2 },
      { category: 'account', count: 1 },
      { category: 'feature_request', count: 1 },
      { category: 'question', count: 1 },
    ]);
    expect(current.recurringSubjects).toEqual([
      { subject: expect.stringMatching(/^export fails for \d+ rows$/i), count: 2 },
    ]);
  });

  it('posts the digest once in #support', async () => {
    const outcomes = await Promise.all([postWeeklyDigest(s.ctx), postWeeklyDigest(s.ctx)]);
    expect(outcomes.sort()).toEqual(['already_posted', 'posted']);
    const posts = t.slack.callsTo('chat.postMessage').filter((c) => String(c.args.text).startsWith('Weekly review'));
    expect(posts).toHaveLength(1);
    const { blocks, channel } = posts[0]!.args;
    expect(channel).toBe('CSUPPORT1');
    expect(blocks[0].text.text).toBe('Weekly review · 6 Mar – 13 Mar');
    const fields = blocks[1].fields.map((f: { text: string }) => f.text);
    expect(fields).toEqual([
      '*Created*\n5 (▲ 4)',
      '*Resolved*\n2 (▲ 1)',
      '*Open at the end*\n4 (▲ 4)',
      '*Reopened*\n1 of 2 resolved: 50 % :warning: (target < 5 %, last week 0 %)',
      '*Satisfaction*\n50 % positive of 2 ratings :warning: (target > 90 %, last week –)',
    ]);
    expect(blocks[2].text.text).toContain(
      '*First response* (3): median *1 h*, average 1 h 23 min · last week: median 1 h, average 1 h',
    );
    expect(blocks[2].text.text).toContain('*Resolution* (2): median *14 h*, average 14 h');
    expect(blocks[3].text.text).toContain('P1 high: first response 1/2 (50 %) · resolution 1/2 (50 %)');
    expect(blocks[3].text.text).toContain('P0 critical: first response 1/1 (100 %) · resolution 0/1 (0 %)');
    expect(blocks[4].fields[0].text).toBe(
      '*Top categories*\n1. Bug / technical issue: *2*\n2. Account / access: *1*\n3. Feature request: *1*\n4. Question / how-to: *1*',
    );
    expect(blocks[4].fields[1].text).toMatch(/^\*Recurring subjects\*\n• export fails for \d+ rows: \*2×\*$/i);
  });
});

describe('schedules', () => {
  it('refuses to start with a cron expression it cannot read, naming the variable', async () => {
    const db = await connectTestDb('bad_cron');
    const config = testConfig({ ...env, DAILY_SUMMARY_CRON: 'every blue moon' });
    const app = createApp({
      config,
      db,
      slack: createSlackClient(config),
      mailer: createMailer(undefined, config.SUPPORT_EMAIL_ADDRESS),
      clock: new ManualClock(),
      logger: createLogger('silent'),
    });
    try {
      await expect(app.start(0)).rejects.toThrow(/DAILY_SUMMARY_CRON="every blue moon" is neither a cron expression/);
    } finally {
      await app.stop();
      await db.dropDatabase();
      await db.close();
    }
  });
});
