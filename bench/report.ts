/**
 * Report benchmark: N closed tickets (BENCH_REPORT_SIZES, default "100000") spread over 60 days in
 * the test database; times `/support-report 30d` (the period and the 30 days before it, so every ticket
 * is read) against the same database's raw aggregation of the same figures (counts, groupings, averages
 * and percentiles computed by the server, through the driver, nothing streamed), with the ratio. Prints a
 * table and writes bench/results/report.json. Chart rendering is timed apart (it does not grow with N).
 *
 *   BENCH_REPORT_SIZES=20000 npm run bench:report
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Types } from 'mongoose';
import { renderReportCharts } from '../src/charts/report-charts.js';
import { connectDatabase } from '../src/db/connect.js';
import { bindModels, ensureIndexes } from '../src/db/models/index.js';
import { computeReport } from '../src/domain/report-figures.js';
import { resolvePeriod, type Window } from '../src/domain/report-period.js';
import {
  EFFECTIVE_PRIORITY,
  ensureReportIndexes,
  eventIn,
  inWindow,
  latestAnswerPerSurvey,
} from '../src/domain/report-queries.js';
import { defaultSlaPolicy } from '../src/domain/sla-policy.js';
import { CATEGORIES, PRIORITIES, SOURCES, ticketKey } from '../src/domain/types.js';
import { createLogger } from '../src/logger.js';
import { startTestDatabase } from '../test/support/database.js';

const H = 3_600_000;
const DAY = 24 * H;
const now = new Date('2026-11-25T12:00:00Z');
const round = (x: number) => Math.round(x * 10) / 10;

function sizes(): number[] {
  const raw = process.env.BENCH_REPORT_SIZES ?? '100000';
  const list = raw.split(',').map((s) => Number(s.trim()));
  if (!list.length || list.some((n) => !Number.isInteger(n) || n <= 0))
    throw new Error('BENCH_REPORT_SIZES must be whole numbers separated by commas');
  return list;
}

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

/** Closed tickets over the 60 days before `now`: answered, resolved, closed; some reopened once, some rated. */
async function seed(models: ReturnType<typeof bindModels>, n: number): Promise<void> {
  const BATCH = 5000;
  const started = performance.now();
  for (let from = 0; from < n; from += BATCH) {
    const docs = [];
    for (let i = from; i < Math.min(n, from + BATCH); i++) {
      const createdAt = new Date(now.getTime() - 60 * DAY + ((i * 7919) % (60 * 24 * 60)) * 60_000);
      const firstResponseAt = new Date(createdAt.getTime() + ((i * 31) % 300) * 60_000 + 60_000);
      const resolvedAt = new Date(firstResponseAt.getTime() + ((i * 17) % 72) * H);
      const closedAt = new Date(resolvedAt.getTime() + 5 * DAY);
      const priority = PRIORITIES[i % 4]!;
      const timeline: Array<Record<string, unknown>> = [
        { _id: new Types.ObjectId(), at: createdAt, actor: { type: 'requester' }, kind: 'created' },
        {
          _id: new Types.ObjectId(),
          at: firstResponseAt,
          actor: { type: 'user', id: `UAGENT${i % 12}` },
          kind: 'agent_reply',
        },
        { _id: new Types.ObjectId(), at: resolvedAt, actor: { type: 'user', id: `UAGENT${i % 12}` }, kind: 'resolved' },
      ];
      if (i % 25 === 0)
        timeline.push(
          {
            _id: new Types.ObjectId(),
            at: new Date(resolvedAt.getTime() + H),
            actor: { type: 'requester' },
            kind: 'reopened',
          },
          {
            _id: new Types.ObjectId(),
            at: new Date(resolvedAt.getTime() + 2 * H),
            actor: { type: 'user' },
            kind: 'resolved',
          },
        );
      if (i % 3 === 0)
        timeline.push({
          _id: new Types.ObjectId(),
          at: new Date(resolvedAt.getTime() + 3 * H),
          actor: { type: 'requester' },
          kind: 'csat',
          data: { score: 1 + (i % 5) },
        });
      timeline.push({ _id: new Types.ObjectId(), at: closedAt, actor: { type: 'system' }, kind: 'closed' });
      docs.push({
        _id: new Types.ObjectId(),
        number: i + 1,
        key: ticketKey(i + 1),
        source: SOURCES[i % 3],
        requester: { email: `requester${i % 5000}@example.com` },
        subject: `Export fails for ${i % 500} rows`,
        body: '',
        category: CATEGORIES[i % CATEGORIES.length],
        priority,
        status: 'closed',
        assignee: `UAGENT${i % 12}`,
        escalationLevel: 'L1',
        firstResponseAt,
        resolvedAt,
        closedAt,
        reopenCount: i % 25 === 0 ? 1 : 0,
        csatScore: i % 3 === 0 ? 1 + (i % 5) : undefined,
        email: { messageIds: [] },
        attachments: [],
        timeline,
        sla: { policyPriority: priority, responseMet: i % 7 !== 0, resolutionMet: i % 5 !== 0, stoppedAt: resolvedAt },
        createdAt,
        updatedAt: closedAt,
        __v: 0,
      });
    }
    await models.Ticket.collection.insertMany(docs as never[], { ordered: false });
    const done = Math.min(n, from + BATCH);
    const rate = done / ((performance.now() - started) / 1000);
    process.stdout.write(
      `\r  seeding ${done.toLocaleString('en-GB')} / ${n.toLocaleString('en-GB')} (${Math.round((done / n) * 100)} %, ${Math.round(rate)} tickets/s)   `,
    );
  }
  process.stdout.write('\n');
}

/** The same figures, each from one raw pipeline through the driver: the server does all the arithmetic. */
async function rawAggregation(
  models: ReturnType<typeof bindModels>,
  w: Window,
  percentiles: boolean,
): Promise<unknown[]> {
  const tickets = models.Ticket.collection;
  const stats = (field: string) => ({
    n: { $sum: 1 },
    avg: { $avg: field },
    ...(percentiles
      ? { p: { $percentile: { input: field, p: [0.5, 0.9], method: 'approximate' } } }
      : { all: { $push: field } }),
  });
  const ms = (a: string, b: string) => ({ $subtract: [{ $toLong: a }, { $toLong: b }] });
  return Promise.all([
    tickets
      .aggregate([
        { $match: { createdAt: inWindow(w) } },
        { $group: { _id: { c: '$category', p: EFFECTIVE_PRIORITY, s: '$source' }, n: { $sum: 1 } } },
      ])
      .toArray(),
    tickets
      .aggregate([
        { $match: { createdAt: inWindow(w) } },
        { $group: { _id: '$subject', n: { $sum: 1 } } },
        { $sort: { n: -1 } },
        { $limit: 2000 },
      ])
      .toArray(),
    tickets
      .aggregate([
        { $match: { firstResponseAt: inWindow(w) } },
        {
          $project: {
            a: '$assignee',
            p: EFFECTIVE_PRIORITY,
            met: '$sla.responseMet',
            d: ms('$firstResponseAt', '$createdAt'),
          },
        },
        { $group: { _id: { a: '$a', p: '$p', met: '$met' }, ...stats('$d') } },
      ])
      .toArray(),
    tickets
      .aggregate([
        { $match: eventIn('resolved', w) },
        {
          $project: {
            a: '$assignee',
            p: EFFECTIVE_PRIORITY,
            met: '$sla.resolutionMet',
            d: ms('$resolvedAt', '$createdAt'),
          },
        },
        { $group: { _id: { a: '$a', p: '$p', met: '$met' }, ...stats('$d') } },
      ])
      .toArray(),
    // Ratings as the report counts them: the latest answer of each survey.
    tickets
      .aggregate([
        { $match: eventIn('csat', w) },
        { $unwind: { path: '$timeline', includeArrayIndex: 'pos' } },
        { $match: { 'timeline.kind': 'csat', 'timeline.at': inWindow(w) } },
        ...latestAnswerPerSurvey,
        {
          $group: {
            _id: '$assignee',
            n: { $sum: 1 },
            pos: { $sum: { $cond: [{ $gte: ['$timeline.data.score', 4] }, 1, 0] } },
          },
        },
      ])
      .toArray(),
    tickets.countDocuments(eventIn('reopened', w)),
    tickets.countDocuments({
      createdAt: { $lt: w.end },
      $nor: [{ resolvedAt: { $lt: w.end } }, { closedAt: { $lt: w.end } }],
    }),
  ]);
}

async function supportsPercentile(models: ReturnType<typeof bindModels>): Promise<boolean> {
  try {
    await models.Ticket.collection
      .aggregate([
        { $limit: 1 },
        { $group: { _id: null, p: { $percentile: { input: '$number', p: [0.5], method: 'approximate' } } } },
      ])
      .toArray();
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const database = await startTestDatabase();
  const results = [];
  try {
    for (const n of sizes()) {
      const db = await connectDatabase(
        database.uri,
        createLogger('silent'),
        `deskbell_bench_report_${process.pid}_${n}`,
      );
      const models = bindModels(db);
      try {
        await db.dropDatabase();
        process.stdout.write(`${n.toLocaleString('en-GB')} closed tickets in ${database.kind}:\n`);
        const seeded = await time(() => seed(models, n));
        const indexed = await time(async () => (await ensureIndexes(models), await ensureReportIndexes(models.Ticket)));
        process.stdout.write(`  seeded in ${round(seeded.ms / 1000)} s, indexes in ${round(indexed.ms / 1000)} s\n`);
        const deps = { models, policy: defaultSlaPolicy('UTC') };
        const period = resolvePeriod({ kind: 'days', days: 30 }, now, 'UTC');
        const percentiles = await supportsPercentile(models);
        process.stdout.write('  timing the report…\n');
        const report = await time(() => computeReport(deps, period));
        process.stdout.write(`  report: ${round(report.ms)} ms; timing the raw aggregation…\n`);
        const raw = await time(async () =>
          Promise.all([
            rawAggregation(models, period.current, percentiles),
            rawAggregation(models, period.previous, percentiles),
          ]),
        );
        const charts = await time(() =>
          renderReportCharts(report.value.current, { bucket: period.bucket, trend: false, timeZone: 'UTC' }),
        );
        const row = {
          tickets: n,
          inPeriods: report.value.current.created + report.value.previous.created,
          seedSeconds: round(seeded.ms / 1000),
          reportMs: round(report.ms),
          rawAggregationMs: round(raw.ms),
          ratio: round(report.ms / Math.max(raw.ms, 0.1)),
          chartsMs: round(charts.ms),
          rawPercentiles: percentiles ? 'server $percentile' : 'server $push (no $percentile)',
        };
        process.stdout.write(
          `  raw aggregation: ${row.rawAggregationMs} ms; ratio ${row.ratio}; charts ${row.chartsMs} ms\n`,
        );
        results.push(row);
        // Written after each size, so a long run that is stopped still leaves the sizes it finished.
        writeResults(database.kind, results);
      } finally {
        await db.dropDatabase().catch(() => undefined);
        await db.close();
      }
    }
  } finally {
    await database.stop();
  }
  console.table(
    results.map(({ tickets, reportMs, rawAggregationMs, ratio, chartsMs }) => ({
      tickets,
      'report ms': reportMs,
      'raw aggregation ms': rawAggregationMs,
      ratio,
      'charts ms': chartsMs,
    })),
  );
  process.stdout.write(`written to ${RESULTS}\n`);
}

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), 'results', 'report.json');

function writeResults(database: string, results: unknown[]): void {
  mkdirSync(dirname(RESULTS), { recursive: true });
  writeFileSync(
    RESULTS,
    `${JSON.stringify({ benchmark: 'report', database, period: '30d and the 30 days before', node: process.version, at: new Date().toISOString(), results }, null, 2)}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:report failed: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
