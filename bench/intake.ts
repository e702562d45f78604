/**
 * Intake benchmark: N signed webhook tickets (BENCH_N / --n, default 2000) at concurrency C
 * (BENCH_CONCURRENCY / --concurrency, default 16) against the real app with the fake Slack and the test
 * database, then the same database's raw insertMany/insertOne throughput for the stored ticket documents
 * as the baseline. Prints a table and writes bench/results/intake.json.
 *
 *   npm run bench:intake -- --n 300 --concurrency 8
 */
import { performance } from 'node:perf_hooks';
import { sendWebhook } from '../test/support/webhooks.js';
import { distinctWord, option, percentile, pool, round, runBench, startBenchApp, waitUntil, writeResult } from './support.js';

async function main(): Promise<void> {
  const n = option('n', 'BENCH_N', 2000);
  const concurrency = option('concurrency', 'BENCH_CONCURRENCY', 16);
  const bench = await startBenchApp('intake');
  const { models, db, sink, database } = bench;

  try {
    console.log(`intake benchmark: ${n} webhooks, concurrency ${concurrency}, database ${database.kind}`);
    const latencies: number[] = [];
    let failed = 0;
    const started = performance.now();
    await pool(n, concurrency, async (i) => {
      const body = {
        subject: `Bench ticket ${i}: export fails for workspace ${distinctWord(i)}`,
        body: `Request ${i}. Every export over 10k rows fails with an API error since this morning.`,
        requester: { email: `user${i}@example.com`, name: `User ${i}` },
        metadata: { plan: 'enterprise', seats: 40 },
      };
      const t0 = performance.now();
      const res = await sendWebhook(bench.url, body, { id: `msg_bench_${process.pid}_${i}` });
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
    await waitUntil('acknowledgements', accepted, Math.max(600_000, n * 300), () => sink.messages.length);
    const acksMs = performance.now() - started;
    await bench.app.stop();

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
    const acceptedPerSec = perSec(accepted, sendMs);
    const baseline = { documents: docs.length, insertManyPerSec: perSec(docs.length, insertManyMs), insertOnePerSec: perSec(docs.length, insertOneMs) };
    const result = {
      at: new Date().toISOString(),
      database: database.kind,
      node: process.version,
      n,
      concurrency,
      accepted,
      failed,
      acceptedPerSec,
      latencyMs: { p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)), max: round(latencies.at(-1) ?? NaN) },
      allCardsPostedMs: Math.round(cardsMs),
      allAcknowledgementsSentMs: Math.round(acksMs),
      baseline,
      ratios: {
        intakeVsInsertOne: round(acceptedPerSec / baseline.insertOnePerSec, 3),
        intakeVsInsertMany: round(acceptedPerSec / baseline.insertManyPerSec, 3),
      },
    };

    console.table({
      'webhook intake (accepted/s)': { value: result.acceptedPerSec },
      'latency p50 (ms)': { value: result.latencyMs.p50 },
      'latency p99 (ms)': { value: result.latencyMs.p99 },
      'all cards posted (s)': { value: round(cardsMs / 1000, 2) },
      'all acknowledgements sent (s)': { value: round(acksMs / 1000, 2) },
      'raw insertOne (docs/s)': { value: baseline.insertOnePerSec },
      'raw insertMany (docs/s)': { value: baseline.insertManyPerSec },
      'intake / insertOne': { value: result.ratios.intakeVsInsertOne },
      'intake / insertMany': { value: result.ratios.intakeVsInsertMany },
    });
    if (failed) console.warn(`${failed} webhook(s) were not accepted with 201`);
    writeResult('intake', result);
  } finally {
    await bench.stop();
  }
}

runBench(main);
