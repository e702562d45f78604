import { parse } from 'csv-parse/sync';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/context.js';
import { CHART_WIDTH } from '../src/charts/render.js';
import { OnceKeys } from '../src/db/once-keys.js';
import { computePeriodStats, computeReport } from '../src/domain/report-figures.js';
import { bucketStarts, resolvePeriod } from '../src/domain/report-period.js';
import { changeTicket } from '../src/domain/ticket-changes.js';
import { createTicket } from '../src/domain/tickets.js';
import type { Category, Priority, Source } from '../src/domain/types.js';
import { postWeeklyDigest } from '../src/flows/weekly-digest.js';
import type { UploadedFile } from './support/fake-slack.js';
import { ManualClock, startTestApp, type TestApp } from './support/harness.js';
import { settled } from './support/settle.js';

const H = 3_600_000;
const NOW = '2026-06-10T12:00:00Z'; // Wednesday; the last 7 days start Wed 3 June 12:00 (UTC)

/**
 * A known fortnight: one ticket in the previous seven days, five in the last seven (three channels, two
 * agents, a P0, a reopening, two ratings, two "export fails" subjects).
 */
async function seed(t: TestApp): Promise<void> {
  const ctx = t.app.context as AppContext;
  const clock = t.clock as ManualClock;
  let n = 0;
  const at = (iso: string) => clock.set(iso);
  const create = async (
    when: string,
    source: Source,
    subject: string,
    priority: Priority,
    category: Category,
    email = `r${n + 1}@example.com`,
  ) => {
    at(when);
    const { ticket } = await createTicket(ctx, {
      source,
      requester: { email },
      subject,
      body: '',
      priority,
      category,
      idempotencyKeys: [`report:${++n}`],
      acknowledge: false,
    });
    return ticket.id as string;
  };
  const change = async (
    id: string,
    when: string,
    kind: string,
    edit: (x: any) => void,
    data?: Record<string, unknown>,
  ) => {
    at(when);
    await changeTicket(ctx, id, { actor: { type: 'user', id: 'UAGENT1' } }, (x, record) => {
      edit(x);
      record({ kind, data });
    });
  };
  const assign = (id: string, when: string, who: string) =>
    change(id, when, 'assigned', (x) => void (x.assignee = who));
  const reply = (id: string, when: string) =>
    change(id, when, 'agent_reply', (x) => ((x.firstResponseAt = new Date(when)), (x.status = 'in_progress')));
  const resolve = (id: string, when: string) =>
    change(id, when, 'resolved', (x) => ((x.status = 'resolved'), (x.resolvedAt = new Date(when))));
  const rate = (id: string, when: string, score: number) =>
    change(id, when, 'csat', (x) => void (x.csatScore = score), { score });

  const p1 = await create('2026-05-28T10:00:00Z', 'webhook', 'Export fails for 120 rows', 'P2', 'bug');
  await assign(p1, '2026-05-28T10:01:00Z', 'UAGENT1');
  await reply(p1, '2026-05-28T11:00:00Z');
  await resolve(p1, '2026-05-29T10:00:00Z');

  const a = await create('2026-06-04T09:00:00Z', 'email', 'Cannot save invoices', 'P1', 'bug');
  const b = await create('2026-06-04T09:00:00Z', 'webhook', 'Cannot log in', 'P1', 'account');
  await assign(a, '2026-06-04T09:01:00Z', 'UAGENT1');
  await assign(b, '2026-06-04T09:01:00Z', 'UAGENT2');
  await reply(a, '2026-06-04T10:00:00Z'); // 1 h: P1 target 2 h met
  await resolve(a, '2026-06-04T13:00:00Z'); // 4 h: met
  await rate(a, '2026-06-04T14:00:00Z', 5);
  await reply(b, '2026-06-04T12:00:00Z'); // 3 h: missed
  await resolve(b, '2026-06-05T09:00:00Z'); // 24 h wall-clock, 8 business hours: missed
  await rate(b, '2026-06-05T10:00:00Z', 2);
  await create('2026-06-05T10:00:00Z', 'slack', 'Export fails for 7 rows', 'P3', 'question');
  await change(
    b,
    '2026-06-06T09:00:00Z',
    'reopened',
    (x) => ((x.status = 'in_progress'), (x.resolvedAt = undefined), (x.reopenCount += 1)),
  );
  const d = await create('2026-06-08T09:00:00Z', 'webhook', 'Site down', 'P0', 'bug');
  await assign(d, '2026-06-08T09:01:00Z', 'UAGENT1');
  await reply(d, '2026-06-08T09:10:00Z');
  await resolve(d, '2026-06-08T11:00:00Z');
  // Its incident, as declaring it would have stored it: the report counts incidents from their own records
  // (declared → resolved: 2 h 30 min), not from P0 tickets.
  const site = (await ctx.models.Ticket.findById(d).lean())!;
  await ctx.models.Incident.create({
    number: 1,
    key: 'INC-1',
    ticketId: site._id,
    ticketKey: site.key,
    title: 'Site down',
    status: 'resolved',
    declaredAt: new Date('2026-06-08T09:05:00Z'),
    resolvedAt: new Date('2026-06-08T11:35:00Z'),
    declaredVia: 'webhook',
    createdAt: new Date('2026-06-08T09:05:00Z'),
    updatedAt: new Date('2026-06-08T11:35:00Z'),
  });
  const e = await create(
    '2026-06-09T10:00:00Z',
    'email',
    'Re: Export fails for 500 rows',
    'P2',
    'bug',
    'lead@customer.example',
  );
  await assign(e, '2026-06-09T10:01:00Z', 'UAGENT2');
  at(NOW);
}

function decode(file: UploadedFile): PNG {
  expect(file.bytes, file.filename).toBeDefined();
  return PNG.sync.read(file.bytes!);
}

/** Share of pixels that are not white, and whether a colour of the palette is among them. */
function ink(png: PNG, rgb: [number, number, number]): { nonWhite: number; hasColour: boolean } {
  let nonWhite = 0;
  let hasColour = false;
  for (let i = 0; i < png.data.length; i += 4) {
    const [r, g, b] = [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
    if (r < 250 || g < 250 || b < 250) nonWhite++;
    if (Math.abs(r - rgb[0]) < 6 && Math.abs(g - rgb[1]) < 6 && Math.abs(b - rgb[2]) < 6) hasColour = true;
  }
  return { nonWhite: nonWhite / (png.width * png.height), hasColour };
}

// Each report reads two periods and draws PNGs; on a busy two-core machine that takes seconds, not milliseconds.
const SLOW = 120_000;

describe('/support-report', () => {
  let t: TestApp;
  let ctx: AppContext;
  beforeAll(async () => {
    t = await startTestApp({
      label: 'report',
      clock: new ManualClock(new Date('2026-05-28T09:00:00Z')),
      env: {
        SUPPORT_TEAM_USERGROUP: 'SLEADS01',
        SLA_SWEEP_INTERVAL: '1 day',
        WEEKLY_DIGEST_CRON: '0 0 1 1 *',
        DAILY_SUMMARY_CRON: '0 0 1 1 *',
      },
    });
    t.slack.usergroups.set('SLEADS01', ['ULEAD001', 'ULEAD002']);
    ctx = t.app.context as AppContext;
    await seed(t);
  }, 120_000);
  afterAll(async () => t.stop(), 120_000);

  const ephemeralsFor = (user: string) => t.slack.callsTo('chat.postEphemeral').filter((c) => c.args.user === user);
  const postsIn = (channel: string) =>
    t.slack
      .callsTo('chat.postMessage')
      .filter((c) => c.args.channel === channel && String(c.args.text).startsWith('Support report'));

  it(
    'computes the period’s figures and the previous period’s, with breakdowns',
    async () => {
      const period = resolvePeriod({ kind: 'days', days: 7 }, new Date(NOW), 'UTC');
      expect(period.current).toEqual({ start: new Date('2026-06-03T12:00:00Z'), end: new Date(NOW) });
      expect(period.previous).toEqual({
        start: new Date('2026-05-27T12:00:00Z'),
        end: new Date('2026-06-03T12:00:00Z'),
      });
      const { current: s, previous: p } = await computeReport(ctx, period);
      expect(s).toMatchObject({
        created: 5,
        resolved: 3,
        openAtEnd: 3,
        reopened: { count: 1, rate: 1 / 3 },
        satisfaction: { responses: 2, positive: 1, rate: 0.5 },
        targetsMissed: { reopened: true, satisfaction: true },
      });
      expect(p).toMatchObject({
        created: 1,
        resolved: 1,
        openAtEnd: 0,
        reopened: { count: 0, rate: 0 },
        satisfaction: { responses: 0, positive: 0 },
      });
      expect(s.firstResponse).toEqual({ count: 3, medianMs: 1 * H, p90Ms: 3 * H, averageMs: (250 / 3) * 60_000 });
      expect(s.resolution).toEqual({ count: 3, medianMs: 4 * H, p90Ms: 24 * H, averageMs: 10 * H });
      // 4 June 09:00 to 5 June 09:00 is one business day of 8 hours.
      expect(s.resolutionBusiness).toEqual({ count: 3, medianMs: 4 * H, p90Ms: 8 * H, averageMs: (14 / 3) * H });
      expect(p.firstResponse).toMatchObject({ count: 1, medianMs: 1 * H });
      expect(s.compliance.find((c) => c.priority === 'P1')).toEqual({
        priority: 'P1',
        response: { met: 1, total: 2 },
        resolution: { met: 1, total: 2 },
      });
      expect(s.compliance.find((c) => c.priority === 'P0')).toEqual({
        priority: 'P0',
        response: { met: 1, total: 1 },
        resolution: { met: 1, total: 1 },
      });
      expect(s.byChannel).toEqual([
        { source: 'email', count: 2 },
        { source: 'webhook', count: 2 },
        { source: 'slack', count: 1 },
      ]);
      expect(p.byChannel).toEqual([
        { source: 'email', count: 0 },
        { source: 'webhook', count: 1 },
        { source: 'slack', count: 0 },
      ]);
      expect(s.byCategory).toEqual([
        { category: 'bug', count: 3 },
        { category: 'account', count: 1 },
        { category: 'question', count: 1 },
      ]);
      expect(s.byPriority).toEqual([
        { priority: 'P0', count: 1 },
        { priority: 'P1', count: 2 },
        { priority: 'P2', count: 1 },
        { priority: 'P3', count: 1 },
      ]);
      expect(s.byAssignee).toEqual([
        {
          assignee: 'UAGENT1',
          handled: 2,
          firstResponse: expect.objectContaining({ count: 2, medianMs: 35 * 60_000 }),
          compliance: { met: 4, total: 4 },
          satisfaction: { responses: 1, positive: 1, rate: 1 },
        },
        {
          assignee: 'UAGENT2',
          handled: 1,
          firstResponse: expect.objectContaining({ count: 1, medianMs: 3 * H }),
          compliance: { met: 0, total: 2 },
          satisfaction: { responses: 1, positive: 0, rate: 0 },
        },
      ]);
      expect(s.incidents).toEqual({
        declared: 1,
        resolved: 1,
        totalDurationMs: 2.5 * H,
        medianDurationMs: 2.5 * H,
        longestDurationMs: 2.5 * H,
        active: 0,
        reportsOverdue: 0,
      });
      expect(p.incidents).toMatchObject({ declared: 0, resolved: 0 });
      expect(s.recurringSubjects).toEqual([{ subject: expect.stringMatching(/export fails for \d+ rows/i), count: 2 }]);
      expect(s.series.map((x) => [x.created, x.resolved])).toEqual([
        [0, 0],
        [2, 1],
        [1, 1],
        [0, 0],
        [0, 0],
        [1, 1],
        [1, 0],
        [0, 0],
      ]);
    },
    SLOW,
  );

  it(
    'shows a team member the report alone and sends the charts to their DM',
    async () => {
      const res = await t.sender.command('/support-report', '', 'ULEAD001');
      expect(res.status).toBe(200);
      const call = await t.slack.waitFor(() => ephemeralsFor('ULEAD001')[0], 60_000, 'the report');
      const blocks = call.args.blocks as any[];
      expect(blocks[0].text.text).toBe('Support report · Last 7 days · 3 Jun 2026 – 10 Jun 2026');
      const fields = blocks[2].fields.map((f: { text: string }) => f.text);
      expect(fields).toEqual([
        '*Created*\n5 (▲ 4)',
        '*Resolved*\n3 (▲ 2)',
        '*Open at the end*\n3 (▲ 3)',
        '*Backlog change*\n+3 (from 0 to 3)',
        '*Reopened*\n1 of 3 resolved: 33.3 % :warning: target missed (target < 5 %; ▲ 33.3 pt)',
        '*Satisfaction*\n50 % positive of 2 ratings :warning: target missed (target > 90 %; no comparison)',
      ]);
      const json = JSON.stringify(blocks);
      expect(json).toContain('business hours: median *4 h*, p90 8 h');
      expect(json).toContain('Email: *2* (▲ 2)');
      expect(json).toContain(
        '<@UAGENT1>: *2* handled (▲ 1) · median first response 35 min · targets 4/4 (100 %) · satisfaction 100 % of 1',
      );
      expect(json).toContain(
        '*1* declared (▲ 1) · *1* resolved (▲ 1) (total 2 h 30 min, median 2 h 30 min, longest 2 h 30 min)',
      );
      expect(json).toMatch(/Export fails for \d+ rows[^"]*2×/i);

      await t.slack.waitFor(() => t.slack.filesIn('DULEAD001').length === 2, 60_000, 'the charts in the DM');
      expect(postsIn('DULEAD001')).toHaveLength(1);
      expect(postsIn('CSUPPORT1')).toHaveLength(0);
      const [volume, compliance] = t.slack.filesIn('DULEAD001');
      expect(volume!.filename).toBe('created-resolved.png');
      expect(volume!.altText).toContain('Thu 4 Jun 2 created, 1 resolved');
      for (const [file, colour] of [
        [volume!, [0x00, 0x72, 0xb2]],
        [compliance!, [0x00, 0x9e, 0x73]],
      ] as const) {
        const png = decode(file);
        expect(png.width).toBe(CHART_WIDTH);
        expect(png.height).toBeGreaterThan(300);
        const { nonWhite, hasColour } = ink(png, colour as [number, number, number]);
        expect(nonWhite).toBeGreaterThan(0.03);
        expect(hasColour).toBe(true);
      }
    },
    SLOW,
  );

  it(
    'exports the period’s tickets as CSV, without requesters unless configured',
    async () => {
      await t.sender.command('/support-report', 'csv', 'ULEAD002');
      const csvFile = await t.slack.waitFor(
        () => t.slack.filesIn('DULEAD002').find((f) => f.filename.endsWith('.csv')),
        60_000,
        'the CSV',
      );
      expect(csvFile.filename).toBe('support-report-2026-06-03-to-2026-06-10.csv');
      const rows = parse(csvFile.bytes!.toString('utf8'), { columns: true }) as Array<Record<string, string>>;
      expect(rows, JSON.stringify(rows)).toHaveLength(5);
      expect(Object.keys(rows[0]!)).not.toContain('requester');
      // Ticket numbers start at 1001 (SUP-1001 is the previous week's ticket).
      const byKey = (k: number) => rows.find((r) => r.key === `SUP-${1000 + k}`)!;
      expect(byKey(2)).toEqual({
        key: 'SUP-1002',
        created: '2026-06-04 09:00',
        priority: 'P1',
        category: 'bug',
        channel: 'email',
        status: 'resolved',
        assignee: 'UAGENT1',
        first_response_at: '2026-06-04 10:00',
        resolved_at: '2026-06-04 13:00',
        business_minutes_to_first_response: '60',
        business_minutes_to_resolution: '240',
        first_response_target: 'met',
        resolution_target: 'met',
        reopened: '0',
        satisfaction: '5',
      });
      expect(byKey(3)).toMatchObject({
        status: 'in_progress',
        resolved_at: '',
        business_minutes_to_first_response: '180',
        first_response_target: 'breached',
        resolution_target: 'breached',
        reopened: '1',
        satisfaction: '2',
      });
      expect(byKey(4)).toMatchObject({
        channel: 'slack',
        assignee: '',
        first_response_at: '',
        first_response_target: 'open',
      });

      const withRequester = await startTestApp({
        label: 'report_req',
        db: t.db,
        clock: t.clock,
        env: { REPORT_CSV_INCLUDE_REQUESTER: 'true', SUPPORT_TEAM_USERGROUP: 'SLEADS01', SLA_SWEEP_INTERVAL: '1 day' },
      });
      try {
        withRequester.slack.usergroups.set('SLEADS01', ['ULEAD001']);
        await withRequester.sender.command('/support-report', '2026-06-09..2026-06-09 csv', 'ULEAD001');
        const file = await withRequester.slack.waitFor(
          () => withRequester.slack.filesIn('DULEAD001').find((f) => f.filename.endsWith('.csv')),
          60_000,
          'the CSV with requesters',
        );
        const [row] = parse(file.bytes!.toString('utf8'), { columns: true }) as Array<Record<string, string>>;
        expect(row).toMatchObject({ key: 'SUP-1006', requester: 'lead@customer.example' });
      } finally {
        await withRequester.stop({ keepDb: true });
      }
    },
    SLOW,
  );

  it(
    'posts a CSV with requesters only into a private channel or a DM, and says why anywhere else',
    async () => {
      const env = {
        REPORT_CSV_INCLUDE_REQUESTER: 'true',
        SUPPORT_TEAM_USERGROUP: 'SLEADS01',
        SLA_SWEEP_INTERVAL: '1 day',
      };
      const app = await startTestApp({ label: 'report_req_post', db: t.db, clock: t.clock, env });
      try {
        app.slack.usergroups.set('SLEADS01', ['ULEAD001']);
        const channel = (id: string, isPrivate: boolean) => ({
          id,
          name: id.toLowerCase(),
          members: new Set(['UBOT']),
          creator: 'UADMIN',
          is_private: isPrivate,
        });
        app.slack.channels.set('CPUBLIC01', channel('CPUBLIC01', false));
        app.slack.channels.set('CPRIVATE1', channel('CPRIVATE1', true));
        const run = (where: string) =>
          app.sender.command('/support-report', '2026-06-09..2026-06-09 csv post', 'ULEAD001', { channel_id: where });

        await run('CPUBLIC01');
        const told = () => app.slack.callsTo('chat.postEphemeral').find((c) => c.args.channel === 'CPUBLIC01');
        const refusal = await app.slack.waitFor(told, 60_000, 'the refusal');
        expect(refusal.args.user).toBe('ULEAD001');
        expect(String(refusal.args.text)).toContain('only post it in a private channel or a direct message');
        for (const where of ['CPRIVATE1', 'DULEAD001']) {
          await run(where);
          const shared = () => app.slack.filesIn(where).find((f) => f.filename.endsWith('.csv'));
          const csv = await app.slack.waitFor(shared, 60_000, `the CSV in ${where}`);
          const rows = parse(csv.bytes!.toString('utf8'), { columns: true });
          expect(rows).toMatchObject([{ key: 'SUP-1006', requester: 'lead@customer.example' }]);
        }
        await settled(app.app);
        // Nothing of the report reached the public channel.
        const inPublic = app.slack.calls.filter((c) => [c.args.channel, c.args.channel_id].includes('CPUBLIC01'));
        expect(inPublic.map((c) => c.method)).toEqual(['conversations.info', 'chat.postEphemeral']);
      } finally {
        await app.stop({ keepDb: true });
      }
    },
    SLOW,
  );

  it(
    'posts in the channel with `post`, files included',
    async () => {
      await t.sender.command('/support-report', 'weeks 4 post', 'ULEAD001');
      const post = await t.slack.waitFor(() => postsIn('CSUPPORT1')[0], 60_000, 'the posted report');
      expect(JSON.stringify(post.args.blocks)).toContain('Trend per week');
      expect(JSON.stringify(post.args.blocks)).toContain('Requested by <@ULEAD001>');
      const files = await t.slack.waitFor(
        () => t.slack.filesIn('CSUPPORT1').length === 3 && t.slack.filesIn('CSUPPORT1'),
        60_000,
        'three charts',
      );
      expect(files.map((f) => f.filename)).toEqual(['created-resolved.png', 'compliance.png', 'trend.png']);
      const trend = decode(files[2]!);
      expect(trend.width).toBe(CHART_WIDTH);
      expect(ink(trend, [0x00, 0x72, 0xb2]).hasColour).toBe(true);
      expect(files[2]!.altText).toMatch(/^Trend per week: .*created/);
    },
    SLOW,
  );

  it(
    'answers a bad argument with the help, and refuses someone outside the team',
    async () => {
      const help = await t.sender.command('/support-report', 'yesterday', 'ULEAD001');
      const body = (await help.json()) as { text: string; response_type: string };
      expect(body.response_type).toBe('ephemeral');
      expect(body.text).toContain('`yesterday` is not a period I know');
      expect(body.text).toContain('weeks 8');
      const bad = (await (await t.sender.command('/support-report', '2026-10-31..2026-10-01', 'ULEAD001')).json()) as {
        text: string;
      };
      expect(bad.text).toContain('the first date is after the second');

      const before = t.slack.calls.length;
      await t.sender.command('/support-report', 'csv', 'UOUTSIDE1');
      const refusal = await t.slack.waitFor(() => ephemeralsFor('UOUTSIDE1')[0], 60_000, 'the refusal');
      expect(refusal.args.blocks).toBeUndefined();
      expect(String(refusal.args.text)).toContain('SLEADS01');
      expect(t.slack.calls.slice(before).filter((c) => c.method.startsWith('files.'))).toHaveLength(0);
    },
    SLOW,
  );

  it(
    'gives the Friday digest the same charts',
    async () => {
      expect(await postWeeklyDigest(ctx)).toBe('posted');
      const digestCharts = () =>
        t.slack.filesIn('CSUPPORT1').filter((f) => f.initialComment === 'Charts of the weekly review.');
      const files = await t.slack.waitFor(
        () => digestCharts().length > 0 && digestCharts(),
        60_000,
        'the digest charts',
      );
      expect(files.map((f) => f.filename)).toEqual(['created-resolved.png', 'compliance.png']);
      expect(decode(files[0]!).width).toBe(CHART_WIDTH);
      // The charts are a delivery of their own: done once, and a second run posts neither digest nor charts again.
      const digestKey = OnceKeys.weeklyDigest('2026-06-10');
      expect(await ctx.models.Delivery.findById(OnceKeys.summaryCharts(digestKey), { state: 1 }).lean()).toMatchObject({
        state: 'done',
      });
      expect(await postWeeklyDigest(ctx)).toBe('already_posted');
      await settled(t.app);
      expect(digestCharts()).toHaveLength(files.length);
    },
    SLOW,
  );

  it(
    'counts each survey’s latest answer once: a changed answer replaces the earlier one',
    async () => {
      const clock = t.clock as ManualClock;
      const week = { start: new Date('2026-07-01T00:00:00Z'), end: new Date('2026-07-08T00:00:00Z') };
      const rated = async (assignee: string, answers: Array<{ at: string; score: number; surveyId?: string }>) => {
        clock.set('2026-07-01T09:00:00Z');
        const { ticket } = await createTicket(ctx, {
          source: 'webhook',
          requester: { email: 'rater@example.com' },
          subject: 'Rated',
          body: '',
          priority: 'P3',
          category: 'question',
          idempotencyKeys: [`report:rated:${assignee}`],
          acknowledge: false,
        });
        for (const a of answers) {
          clock.set(a.at);
          await changeTicket(ctx, ticket.id, { actor: { type: 'requester' } }, (x, record) => {
            x.assignee = assignee;
            x.csatScore = a.score;
            record({ kind: 'csat', data: { score: a.score, ...(a.surveyId ? { surveyId: a.surveyId } : {}) } });
          });
        }
      };
      try {
        // Satisfied, then changed to dissatisfied: one rating, negative.
        await rated('UAGENT7', [
          { at: '2026-07-02T10:00:00Z', score: 5, surveyId: 's1' },
          { at: '2026-07-03T10:00:00Z', score: 2, surveyId: 's1' },
        ]);
        await rated('UAGENT8', [{ at: '2026-07-02T10:00:00Z', score: 4, surveyId: 's2' }]);
        // Ratings stored without a survey id (before surveys could be answered again) each count.
        await rated('UAGENT9', [
          { at: '2026-07-04T10:00:00Z', score: 5 },
          { at: '2026-07-04T11:00:00Z', score: 1 },
        ]);
        const stats = await computePeriodStats(ctx, week, bucketStarts(week, 'day', 'UTC'));
        expect(stats.satisfaction).toEqual({ responses: 4, positive: 2, rate: 0.5 });
        const of = (assignee: string) => stats.byAssignee.find((a) => a.assignee === assignee)?.satisfaction;
        expect(of('UAGENT7')).toEqual({ responses: 1, positive: 0, rate: 0 });
        expect(of('UAGENT8')).toEqual({ responses: 1, positive: 1, rate: 1 });
        expect(of('UAGENT9')).toEqual({ responses: 2, positive: 1, rate: 0.5 });
        // The changed answer counts on the day it was last given.
        expect(stats.series.map((x) => x.satisfaction.responses)).toEqual([0, 1, 1, 2, 0, 0, 0]);
      } finally {
        clock.set(NOW);
      }
    },
    SLOW,
  );
});
