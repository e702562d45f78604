/**
 * Intake benchmark: N signed webhook tickets (BENCH_N / --n, default 2000) at concurrency C
 * (BENCH_CONCURRENCY / --concurrency, default 16) against the real app with the fake Slack and the test
 * database, then the same database's raw insertMany/insertOne throughput for the stored ticket documents
 * as the baseline. Prints a table and writes bench/results/intake.json.
 *
 *   npm run bench:intake -- --n 300 --concurrency 8
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createApp } from '../src/app.js';
import { systemClock } from '../src/clock.js';
import { parseConfig } from '../src/config.js';
import { connectDatabase } from '../src/db/connect.js';
import { startTestDatabase } from '../test/support/database.js';
import { createLogger } from '../src/logger.js';
import { createMailer } from '../src/mail/mailer.js';
import { createSlackClient } from '../src/slack/client.js';
import { FakeSlack } from '../test/support/fake-slack.js';
import { SmtpSink } from '../test/support/smtp-sink.js';
import { sendWebhook, WEBHOOK_SECRET } from '../test/support/webhooks.js';

function option(name: string, env: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const raw = i >= 0 ? process.argv[i + 1] : process.env[env];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} / ${env} must be a positive whole number`);
  return value;
}


/** Runs `task(i)` for i in [0, n) with at most `concurrency` in flight. */
async function pool(n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, async () => {
    while (next < n) await task(next++);
  }));
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Polls `count` until it reaches `target`, saying every 10 s how far it got. */
async function waitUntil(what: string, target: number, timeoutMs: number, count: () => Promise<number>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let nextReport = Date.now() + 10_000;
  for (let done = await count(); done < target; done = await count()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${done}/${target}`);
    if (Date.now() > nextReport) {
      console.log(`  waiting for ${what}: ${done}/${target}`);
      nextReport += 10_000;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main(): Promise<void> {
  const n = option('n', 'BENCH_N', 2000);
  const concurrency = option('concurrency', 'BENCH_CONCURRENCY', 16);
  const database = await startTestDatabase();
  const slack = await new FakeSlack().start();
  const sink = await new SmtpSink().start();
  const config = parseConfig({
    SLACK_BOT_TOKEN: 'xoxb-bench-token',
    SLACK_SIGNING_SECRET: 'bench-signing-secret-0123456789abcdef',
    SLACK_API_URL: slack.url,
    SUPPORT_CHANNEL_ID: 'CSUPPORT1',
    PORT: '0',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
    INTAKE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    SMTP_URL: sink.url,
  });
  const logger = createLogger(config.LOG_LEVEL);
  const db = await connectDatabase(database.uri, logger, `deskbell_bench_${process.pid}`);
  const app = createApp({ config, db, slack: createSlackClient(config), mailer: createMailer(config.SMTP_URL, config.SUPPORT_EMAIL_ADDRESS), clock: systemClock, logger, schedulerPollMs: Number(process.env.BENCH_POLL_MS ?? 5000) });
  const { port } = await app.start(0);
  const url = `http://127.0.0.1:${port}`;
  const { models } = app.context;

  try {
    console.log(`intake benchmark: ${n} webhooks, concurrency ${concurrency}, database ${database.kind}`);
    const latencies: number[] = [];
    let failed = 0;
    const started = performance.now();
    await pool(n, concurrency, async (i) => {
      const body = {
        subject: `Bench ticket ${i}: export fails for large workspaces`,
        body: `Request ${i}. Every export over 10k rows fails with an API error since this morning.`,
        requester: { email: `user${i}@example.com`, name: `User ${i}` },
        metadata: { plan: 'enterprise', seats: 40 },
      };
      const t0 = performance.now();
      const res = await sendWebhook(url, body, { id: `msg_bench_${process.pid}_${i}` });
      latencies.push(performance.now() - t0);
      if (res.status !== 201) {
        failed++;
        if (failed <= 3) console.warn(`webhook ${i}: HTTP ${res.status}`);
      }
    });
    const sendMs = performance.now() - started;
    const accepted = n - failed;
    await waitUntil('cards', accepted, Math.max(600_000, n * 300), () => models.Ticket.countDocuments({ 'card.ts': { $exists: true } }));
    const cardsMs = performance.now() - started;
    await waitUntil('acknowledgements', accepted, Math.max(600_000, n * 300), async () => sink.messages.length);
    const acksMs = performance.now() - started;
    await app.stop();

    // Baseline: the same documents written straight to a scratch collection of the same database.
    const docs = (await models.Ticket.find({}).lean()).map((doc) => {
      const copy: Record<string, unknown> = { ...doc };
      delete copy._id; // fresh ids: the scratch collection gets new documents
      return copy;
    });
    const scratch = db.collection(`bench_scratch_${process.pid}`);
    let t0 = performance.now();
    for (let i = 0; i < docs.length; i += 1000) await scratch.insertMany(docs.slice(i, i + 1000).map((d) => ({ ...d })), { ordered: false });
    const insertManyMs = performance.now() - t0;
    await scratch.deleteMany({});
    t0 = performance.now();
    await pool(docs.length, concurrency, async (i) => void (await scratch.insertOne({ ...docs[i]! })));
    const insertOneMs = performance.now() - t0;
    await scratch.drop().catch(() => undefined);

    latencies.sort((a, b) => a - b);
    const perSec = (count: number, ms: number) => round(count / (ms / 1000));
    const result = {
      at: new Date().toISOString(),
      database: database.kind,
      node: process.version,
      n,
      concurrency,
      accepted,
      failed,
      acceptedPerSec: perSec(accepted, sendMs),
      latencyMs: { p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)), max: round(latencies.at(-1) ?? NaN) },
      allCardsPostedMs: Math.round(cardsMs),
      allAcknowledgementsSentMs: Math.round(acksMs),
      baseline: { documents: docs.length, insertManyPerSec: perSec(docs.length, insertManyMs), insertOnePerSec: perSec(docs.length, insertOneMs) },
      ratios: {} as Record<string, number>,
    };
    result.ratios = {
      intakeVsInsertOne: round(result.acceptedPerSec / result.baseline.insertOnePerSec, 3),
      intakeVsInsertMany: round(result.acceptedPerSec / result.baseline.insertManyPerSec, 3),
    };

    console.table({
      'webhook intake (accepted/s)': { value: result.acceptedPerSec },
      'latency p50 (ms)': { value: result.latencyMs.p50 },
      'latency p99 (ms)': { value: result.latencyMs.p99 },
      'all cards posted (s)': { value: round(cardsMs / 1000, 2) },
      'all acknowledgements sent (s)': { value: round(acksMs / 1000, 2) },
      'raw insertOne (docs/s)': { value: result.baseline.insertOnePerSec },
      'raw insertMany (docs/s)': { value: result.baseline.insertManyPerSec },
      'intake / insertOne': { value: result.ratios.intakeVsInsertOne },
      'intake / insertMany': { value: result.ratios.intakeVsInsertMany },
    });
    if (failed) console.warn(`${failed} webhook(s) were not accepted with 201`);
    const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'intake.json');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`written to ${out}`);
  } finally {
    await app.stop().catch(() => undefined);
    await db.dropDatabase().catch(() => undefined);
    await db.close();
    await slack.stop();
    await sink.stop();
    await database.stop();
  }
}

// Exit explicitly: Agenda's job-liveness checks leave timers (half the lock lifetime) that would keep
// the process alive for minutes after everything is stopped.
main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
