/**
 * SLA benchmark: N open tickets (BENCH_TICKETS, default 100,000) in the test database, of which D
 * (BENCH_DUE, default 100) have a reminder due. Times one SLA sweep with nothing due and with D due, the
 * daily summary's queries and the weekly review's, each against the same database's raw indexed query for
 * the same documents (the driver, no mongoose, no processing) as the baseline, with the ratio. Prints a
 * table and writes bench/results/sla.json.
 *
 *   BENCH_TICKETS=10000 npm run bench:sla
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Types } from 'mongoose';
import type { Clock } from '../src/clock.js';
import { parseConfig } from '../src/config.js';
import { connectDatabase } from '../src/db/connect.js';
import { startTestDatabase } from '../test/support/database.js';
import { bindModels, ensureIndexes } from '../src/db/models/index.js';
import { loadDailySummary, SUMMARY_FIELDS } from '../src/domain/daily-summary.js';
import type { DomainDeps } from '../src/domain/deps.js';
import { noEffects } from '../src/domain/effects.js';
import { domainSettings } from '../src/domain/settings.js';
import { incidentSettings } from '../src/domain/incidents/settings.js';
import { defaultSlaPolicy } from '../src/domain/sla-policy.js';
import { runSlaSweep } from '../src/domain/sla-sweep.js';
import { DEFAULT_TRIAGE_RULES } from '../src/domain/triage-rules.js';
import { CATEGORIES, OPEN_STATUSES, PRIORITIES, ticketKey } from '../src/domain/types.js';
import { STREAM_FIELDS } from '../src/domain/report-figures.js';
import { computeWeeklyReview, weekEndingAt } from '../src/domain/weekly-review.js';
import { createLogger } from '../src/logger.js';
import { SLA_NOTE_TEXTS } from '../views/sla-notes.js';

function option(env: string, fallback: number): number {
  const raw = process.env[env];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${env} must be a whole number`);
  return value;
}

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

/** Median of `runs` timings (the first run warms caches and is dropped when there are several). */
async function median(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs + (runs > 1 ? 1 : 0); i++) times.push((await time(fn)).ms);
  if (runs > 1) times.shift();
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const round = (x: number) => Math.round(x * 10) / 10;
const H = 3_600_000;

async function main(): Promise<void> {
  const n = option('BENCH_TICKETS', 100_000);
  const due = Math.min(n, option('BENCH_DUE', 100));
  // Each timing is the median of a few runs; one run at full size keeps the benchmark to minutes on slow test servers.
  const runs = n >= 50_000 ? 1 : 3;
  const database = await startTestDatabase();
  const db = await connectDatabase(database.uri, createLogger('silent'), `deskbell_bench_sla_${process.pid}`);
  const models = bindModels(db);
  const now = new Date('2026-03-04T12:00:00Z');
  const clock: Clock = { now: () => now };
  const config = parseConfig({
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: 'bench-signing-secret-0123456789',
    SUPPORT_CHANNEL_ID: 'CSUPPORT1',
  });
  const deps: DomainDeps = {
    models,
    clock,
    effects: noEffects,
    rules: DEFAULT_TRIAGE_RULES,
    policy: defaultSlaPolicy('UTC'),
    settings: domainSettings(config, createLogger('silent')),
    incidents: incidentSettings(config),
    // Warnings (a reminder that failed and is left to the next sweep) are shown.
    logger: createLogger('warn'),
  };
  try {
    await db.dropDatabase();
    await ensureIndexes(models);
    process.stdout.write(`inserting ${n} open tickets (${due} with a reminder due) into ${database.kind}…\n`);
    const inserted = await time(() => insertTickets(models, n, due, now));
    process.stdout.write(`  ${round(inserted.ms / 1000)} s\n`);

    const tickets = models.Ticket.collection;
    const dueFilter = { 'sla.nextCheckAt': { $lte: now } };
    const rows: Array<{ name: string; ms: number; baselineMs: number; baseline: string; note?: string }> = [];
    const add = (name: string, ms: number, baselineMs: number, baseline: string, note?: string) =>
      rows.push({ name, ms: round(ms), baselineMs: round(baselineMs), baseline, ...(note ? { note } : {}) });
    const notes: string[] = [];

    // 1. A sweep with nothing due: the tickets with a reminder are due only at `now`, so sweep just before.
    const before = new Date(now.getTime() - 60 * 60_000);
    const idleDeps = { ...deps, clock: { now: () => before } };
    // Cheap either way: nine runs each, so one slow first query (the driver's and mongoose's warm-up) or a
    // checkpoint of the server does not decide the figure.
    const idle = await median(9, () => runSlaSweep(idleDeps, { texts: SLA_NOTE_TEXTS }));
    const idleBase = await median(9, () =>
      tickets
        .find({ 'sla.nextCheckAt': { $lte: before } }, { projection: { key: 1, sla: 1 } })
        .sort({ 'sla.nextCheckAt': 1 })
        .limit(200)
        .toArray(),
    );
    add('SLA sweep, nothing due', idle, idleBase, 'find sla.nextCheckAt <= now (indexed), empty');

    // 2. The same query returning the due tickets, then one sweep sending their reminders.
    const dueBase = await median(runs, () =>
      tickets
        .find(dueFilter, { projection: { key: 1, sla: 1 } })
        .sort({ 'sla.nextCheckAt': 1 })
        .toArray(),
    );
    // The least any reminder costs: one raw update of each due ticket (a field the sweep does not read).
    const rawWrites = await time(async () => {
      for (const t of await tickets.find(dueFilter, { projection: { _id: 1 } }).toArray())
        await tickets.updateOne({ _id: t._id }, { $set: { benchTouched: true } });
    });
    notes.push(
      `raw find + one updateOne per due ticket: ${round(rawWrites.ms)} ms (${round(rawWrites.ms / Math.max(1, due))} ms a ticket)`,
    );
    const sweep = await time(() => runSlaSweep(deps, { texts: SLA_NOTE_TEXTS }));
    if (sweep.value.reminders !== due)
      notes.push(
        `the sweep sent ${sweep.value.reminders} of ${due} reminders; ${sweep.value.leftDue} tickets left for the next sweep (errors above)`,
      );
    add(
      `SLA sweep, ${due} reminders due`,
      sweep.ms,
      dueBase,
      `find the ${due} due tickets (indexed)`,
      `${round(sweep.ms / Math.max(1, due))} ms a reminder: one version-guarded ticket write each (the bench queues no Slack jobs)`,
    );

    // 3. The daily summary's two aggregations (new since yesterday; every open ticket counted and the capped
    // lists picked on the server) beside streaming the same tickets' summary fields raw, which is what the
    // summary cost before it aggregated.
    const since = new Date(now.getTime() - 24 * H);
    const daily = await median(runs, () => loadDailySummary(deps, now, since));
    const dailyBase = await median(runs, async () => {
      await tickets.find({ createdAt: { $gt: since, $lte: now } }, { projection: SUMMARY_FIELDS }).toArray();
      await tickets.find({ status: { $in: [...OPEN_STATUSES] } }, { projection: SUMMARY_FIELDS }).toArray();
    });
    add('daily summary queries', daily, dailyBase, 'streaming the same tickets with the summary fields, raw finds');

    // 4. The weekly review (two weeks of changed tickets + two counts).
    const weekly = await median(runs, () => computeWeeklyReview(deps, now));
    // Its largest part: the tickets created in the two weeks with the fields the report streams (see bench:report for the full comparison).
    const previousStart = weekEndingAt(weekEndingAt(now, 'UTC').start, 'UTC').start;
    const weeklyBase = await median(runs, () =>
      tickets.find({ createdAt: { $gte: previousStart } }, { projection: STREAM_FIELDS }).toArray(),
    );
    add('weekly review', weekly, weeklyBase, 'find createdAt >= two weeks ago (indexed), the streamed fields, raw');

    const results = rows.map((r) => ({ ...r, ratio: round(r.ms / Math.max(r.baselineMs, 0.1)) }));
    const report = {
      benchmark: 'sla',
      database: database.kind,
      tickets: n,
      due,
      insertSeconds: round(inserted.ms / 1000),
      node: process.version,
      at: new Date().toISOString(),
      results,
      notes,
    };
    console.table(results.map(({ name, ms, baselineMs, ratio }) => ({ name, ms, 'baseline ms': baselineMs, ratio })));
    for (const r of results) if (r.note) process.stdout.write(`${r.name}: ${r.note}\n`);
    for (const note of notes) process.stdout.write(`${note}\n`);
    const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'sla.json');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`written to ${out}\n`);
  } finally {
    await db.dropDatabase().catch(() => undefined);
    await db.close();
    await database.stop();
  }
}

/** Open tickets over the last 30 days; `due` of them have their first-response warning due at `now`. */
async function insertTickets(models: ReturnType<typeof bindModels>, n: number, due: number, now: Date): Promise<void> {
  const BATCH = 5000;
  for (let from = 0; from < n; from += BATCH) {
    const docs = [];
    for (let i = from; i < Math.min(n, from + BATCH); i++) {
      const createdAt = new Date(now.getTime() - ((i * 7919) % (30 * 24)) * H - (i % 60) * 60_000);
      const isDue = i < due;
      const priority = PRIORITIES[i % PRIORITIES.length]!;
      const sla = isDue
        ? {
            policyPriority: priority,
            firstResponseDueAt: new Date(now.getTime() + 30 * 60_000),
            responseWarnDueAt: new Date(now.getTime() - 60_000),
            resolutionDueAt: new Date(now.getTime() + 40 * H),
            resolutionWarnDueAt: new Date(now.getTime() + 30 * H),
            nextCheckAt: new Date(now.getTime() - 60_000),
            responseSpentMs: 0,
            resolutionSpentMs: 0,
            accountedAt: now,
          }
        : {
            policyPriority: priority,
            firstResponseDueAt: new Date(now.getTime() + 48 * H),
            responseWarnDueAt: new Date(now.getTime() + 36 * H),
            resolutionDueAt: new Date(now.getTime() + 96 * H),
            resolutionWarnDueAt: new Date(now.getTime() + 72 * H),
            nextCheckAt: new Date(now.getTime() + 36 * H),
            responseSpentMs: 0,
            resolutionSpentMs: 0,
            accountedAt: now,
          };
      docs.push({
        _id: new Types.ObjectId(),
        number: i + 1,
        key: ticketKey(i + 1),
        source: 'webhook',
        requester: { email: `requester${i % 5000}@example.com` },
        subject: `Benchmark ticket ${i}: export fails for ${i % 97} rows`,
        body: 'Steps to reproduce: open the export page, choose CSV, press Export.',
        category: CATEGORIES[i % CATEGORIES.length],
        suggestedCategory: null,
        priority,
        suggestedPriority: null,
        status:
          OPEN_STATUSES[i % OPEN_STATUSES.length] === 'waiting_on_customer' && isDue
            ? 'in_progress'
            : OPEN_STATUSES[i % OPEN_STATUSES.length],
        assignee: i % 3 === 0 ? null : `UAGENT${i % 20}`,
        escalationLevel: 'L1',
        reopenCount: 0,
        card: { channel: 'CSUPPORT1', ts: `${1_700_000_000 + i}.000100` },
        email: { messageIds: [] },
        attachments: [],
        timeline: [
          {
            _id: new Types.ObjectId(),
            at: createdAt,
            actor: { type: 'requester', id: 'r@example.com' },
            kind: 'created',
            text: 'Ticket opened via webhook',
            notify: false,
          },
        ],
        sla,
        createdAt,
        updatedAt: createdAt,
        __v: 0,
      });
    }
    await models.Ticket.collection.insertMany(docs as never[], { ordered: false });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:sla failed: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
