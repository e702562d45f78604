/** What the benchmarks share: options, a bounded pool, percentiles, the app on the test database, results. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MongoClient } from 'mongodb';
import mongoose from 'mongoose';
import { createApp } from '../src/app.js';
import { systemClock } from '../src/clock.js';
import { parseConfig } from '../src/config.js';
import { describeServer } from '../src/db/connect.js';
import { createLogger } from '../src/logger.js';
import { createMailer } from '../src/mail/mailer.js';
import { createSlackClient } from '../src/slack/client.js';
import { startTestDatabase } from '../test/support/database.js';
import { FakeSlack } from '../test/support/fake-slack.js';
import { SmtpSink } from '../test/support/smtp-sink.js';
import { SlackSender } from '../test/support/slack-requests.js';
import { WEBHOOK_SECRET } from '../test/support/webhooks.js';
import { CommandCounter } from './commands.js';

const SIGNING_SECRET = 'bench-signing-secret-0123456789abcdef';

/** A positive whole number (or from `min`) from `--name` or the environment variable `env`. */
export function option(name: string, env: string, fallback: number, min = 1): number {
  const i = process.argv.indexOf(`--${name}`);
  const raw = i >= 0 ? process.argv[i + 1] : process.env[env];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} / ${env} must be a whole number ≥ ${min}`);
  return value;
}

/** A list of positive whole numbers from `--name 100,2000` or `env`. */
export function listOption(name: string, env: string, fallback: number[]): number[] {
  const i = process.argv.indexOf(`--${name}`);
  const raw = i >= 0 ? process.argv[i + 1] : process.env[env];
  if (raw === undefined) return fallback;
  const values = raw.split(',').map(Number);
  if (!values.every((v) => Number.isInteger(v) && v > 0))
    throw new Error(`--${name} / ${env} must be whole numbers separated by commas`);
  return values;
}

/**
 * The Slack per-channel pacing (SLACK_CHANNEL_INTERVAL_MS) for a run: `--slack-interval-ms` or
 * BENCH_SLACK_INTERVAL_MS, else the benchmark's default. Printed in every header.
 */
export function slackIntervalOption(fallback: number): number {
  return option('slack-interval-ms', 'BENCH_SLACK_INTERVAL_MS', fallback, 0);
}

/** Runs `task(i)` for i in [0, n) with at most `concurrency` in flight. */
export async function pool(n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) await task(next++);
    }),
  );
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * A word of letters only, different for every `i` ("qa", "qb", …). Storm detection ignores digits, so
 * "Ticket 1" and "Ticket 2" count as the same subject: benchmarks of unrelated tickets name each with its
 * own word, or every ticket after the tenth would join a storm and get no card of its own.
 */
export function distinctWord(i: number): string {
  let word = '';
  do {
    word = String.fromCharCode(97 + (i % 26)) + word;
    i = Math.floor(i / 26);
  } while (i > 0);
  return `q${word}`;
}

export const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Polls `count` until it reaches `target`, saying every 10 s how far it got. */
export async function waitUntil(
  what: string,
  target: number,
  timeoutMs: number,
  count: () => Promise<number> | number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let nextReport = Date.now() + 10_000;
  for (let done = await count(); done < target; done = await count()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${done}/${target}`);
    if (Date.now() > nextReport) {
      console.log(`  waiting for ${what}: ${done}/${target}`);
      nextReport += 10_000;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The real app on the test database (the same chain as the tests), the fake Slack and an SMTP sink.
 * The scheduler and the delivery worker poll as in production (BENCH_POLL_MS changes the scheduler's).
 */
export async function startBenchApp(
  name: string,
  env: Record<string, string> = {},
  opts: { logLines?: string[] } = {},
) {
  const database = await startTestDatabase();
  const slack = await new FakeSlack().start();
  const sink = await new SmtpSink().start();
  const config = parseConfig({
    SLACK_BOT_TOKEN: 'xoxb-bench-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.url,
    SUPPORT_CHANNEL_ID: 'CSUPPORT1',
    PORT: '0',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
    INTAKE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    SMTP_URL: sink.url,
    ...env,
  });
  // opts.logLines: keep every warning and error line (benchmarks count what reaches the error log).
  const logger = opts.logLines
    ? createLogger(process.env.BENCH_LOG_LEVEL ?? 'warn', { write: (line: string) => void opts.logLines!.push(line) })
    : createLogger(config.LOG_LEVEL);
  const dbName = `deskbell_bench_${name}_${process.pid}`;
  // The app's connection, as connectDatabase opens it, with command monitoring: every command it starts
  // is counted (`commands`). The benchmark's own queries go through `probe`, which is not counted.
  const db = await mongoose
    .createConnection(database.uri, { serverSelectionTimeoutMS: 5000, autoIndex: false, dbName, monitorCommands: true })
    .asPromise();
  const commands = new CommandCounter(db.getClient());
  const probe = await mongoose
    .createConnection(database.uri, { serverSelectionTimeoutMS: 5000, autoIndex: false, dbName })
    .asPromise();
  const server = await describeServer(probe);
  const profile = process.env.BENCH_PROFILE ? profileCommands(db.getClient()) : undefined;
  const app = createApp({
    config,
    db,
    slack: createSlackClient(config),
    mailer: createMailer(config.SMTP_URL, config.SUPPORT_EMAIL_ADDRESS),
    clock: systemClock,
    logger,
    ...(process.env.BENCH_POLL_MS ? { schedulerPollMs: Number(process.env.BENCH_POLL_MS) } : {}),
  });
  const { port } = await app.start(0);
  return {
    database,
    slack,
    sink,
    db,
    app,
    config,
    commands,
    probe,
    server,
    url: `http://127.0.0.1:${port}`,
    sender: new SlackSender(`http://127.0.0.1:${port}`, SIGNING_SECRET),
    models: app.context.models,
    async stop(): Promise<void> {
      await app.stop().catch(() => undefined);
      profile?.print();
      await probe.dropDatabase().catch(() => undefined);
      await probe.close();
      await db.close();
      await slack.stop();
      await sink.stop();
      await database.stop();
    },
  };
}

/**
 * BENCH_PROFILE=1: the time the database spends per command and collection (the driver's command
 * monitoring), printed when the benchmark stops: where the time goes, measured rather than guessed.
 */
function profileCommands(client: MongoClient) {
  const totals = new Map<string, { count: number; ms: number; maxMs: number }>();
  const names = new Map<number, string>();
  client.on('commandStarted', (e) =>
    names.set(e.requestId, `${e.commandName} ${String(e.command[e.commandName] ?? '')}`),
  );
  client.on('commandSucceeded', (e) => {
    const name = names.get(e.requestId) ?? e.commandName;
    names.delete(e.requestId);
    const t = totals.get(name) ?? { count: 0, ms: 0, maxMs: 0 };
    t.count++;
    t.ms += e.duration;
    t.maxMs = Math.max(t.maxMs, e.duration);
    totals.set(name, t);
  });
  return {
    print(): void {
      const rows = [...totals].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25);
      console.table(
        Object.fromEntries(
          rows.map(([name, t]) => [
            name,
            {
              count: t.count,
              'total ms': Math.round(t.ms),
              'mean ms': round(t.ms / t.count, 2),
              'max ms': Math.round(t.maxMs),
            },
          ]),
        ),
      );
    },
  };
}

/** What every benchmark prints first: the machine, the database server and the pacing it runs with. */
export function header(
  title: string,
  bench: { database: { kind: string }; server: string; config: { SLACK_CHANNEL_INTERVAL_MS: number } },
  withLoad = true,
): Record<string, unknown> {
  const info = {
    benchmark: title,
    database: `${bench.database.kind}: ${bench.server}`,
    node: process.version,
    cpus: availableParallelism(),
    slackChannelIntervalMs: bench.config.SLACK_CHANNEL_INTERVAL_MS,
    schedulerPollMs: process.env.BENCH_POLL_MS ? Number(process.env.BENCH_POLL_MS) : 'production default (30000)',
    loadGenerator: withLoad ? 'own process (bench/load-generator.ts)' : 'none',
  };
  console.log(
    `${title}\n  database ${info.database}, node ${info.node}, ${info.cpus} cpus\n  Slack pacing SLACK_CHANNEL_INTERVAL_MS=${info.slackChannelIntervalMs} ms (--slack-interval-ms), scheduler poll ${info.schedulerPollMs} ms${withLoad ? ', load generator in its own process' : ''}`,
  );
  return info;
}

/** Writes bench/results/<name>.json and says where. */
export function writeResult(name: string, result: unknown): void {
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results', `${name}.json`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`written to ${out}`);
}

/**
 * Runs a benchmark and exits explicitly: Agenda's job-liveness checks leave timers (half the lock
 * lifetime) that would keep the process alive for minutes after everything is stopped.
 */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
