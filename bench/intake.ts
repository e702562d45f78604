/**
 * Intake benchmark, for each size n in `--sizes` (default 100,2000; `--n` for one size), each on a fresh
 * app and database:
 *
 *  1. warm-up: 3 tickets one at a time (not counted);
 *  2. one at a time (`--probe`, default 20): database commands per ticket from request to answer, and to
 *     card + acknowledgement out (see measure.ts);
 *  3. the loaded run: n signed webhooks at concurrency C (`--concurrency`, default 16) from the load
 *     generator's own process: accepted/s, answer p50/p99, time until every card and acknowledgement is
 *     out, and all the app's commands ÷ n;
 *  4. one at a time again, now with n tickets stored: how the per-ticket count grows with the backlog;
 *  5. the raw baseline: the stored ticket documents inserted with insertOne at the same concurrency into a
 *     scratch collection with the tickets collection's indexes, same server, same run: intake ÷ insertOne.
 *
 * The Slack pacing is `--slack-interval-ms` (default 5 ms, so the commands and not the 1 message/s
 * pacing are measured; 1000 is production). Each size is capped at `--timeout-s` (600) waiting for its
 * cards. Writes bench/results/intake.json.
 *
 *   npm run bench:intake -- --sizes 100,2000
 *   npm run bench:intake -- --n 100 --slack-interval-ms 1000
 */
import { performance } from 'node:perf_hooks';
import { LoadGenerator, type LoadItem } from './load.js';
import { Deliveries, loadedRun, oneByOne, reportCommands } from './measure.js';
import {
  distinctWord,
  header,
  listOption,
  option,
  percentile,
  pool,
  round,
  runBench,
  slackIntervalOption,
  startBenchApp,
  writeResult,
} from './support.js';

let serial = 0;
function ticket(tag: string): LoadItem {
  const i = serial++;
  return {
    id: `msg_bench_${process.pid}_${tag}_${i}`,
    body: {
      subject: `Bench ticket ${i}: export fails for workspace ${distinctWord(i)}`,
      body: `Request ${i}. Every export over 10k rows fails with an API error since this morning.`,
      requester: { email: `user${i}@example.com`, name: `User ${i}` },
      metadata: { plan: 'enterprise', seats: 40 },
    },
  };
}
const tickets = (tag: string, n: number) => Array.from({ length: n }, () => ticket(tag));

async function measureSize(n: number, concurrency: number, probeN: number, intervalMs: number, timeoutMs: number) {
  const bench = await startBenchApp(`intake${n}`, { SLACK_CHANNEL_INTERVAL_MS: String(intervalMs) });
  const load = new LoadGenerator(bench.url);
  try {
    const info = header(
      `intake benchmark: n = ${n}, concurrency ${concurrency}, ${probeN} tickets one at a time before and after`,
      bench,
    );
    const deliveries = new Deliveries(bench.slack, bench.sink);
    const parts = { commands: bench.commands, worker: bench.app.context.worker, deliveries, load };
    await oneByOne(parts, tickets('warm', 3));
    const before = await oneByOne(parts, tickets('before', probeN));
    const run = await loadedRun(parts, tickets('load', n), concurrency, timeoutMs);
    const after = run.timedOut ? undefined : await oneByOne(parts, tickets('after', probeN));
    await bench.app.stop();

    // Baseline: the stored tickets, inserted one by one at the same concurrency into a scratch collection
    // with the tickets collection's indexes, through the benchmark's own connection.
    const tickets_ = bench.probe.db!.collection(bench.models.Ticket.collection.collectionName);
    const docs = (await tickets_.find({}).toArray()).map(({ _id, ...rest }) => rest);
    const scratch = bench.probe.db!.collection(`bench_scratch_${process.pid}`);
    const indexes = (await tickets_.listIndexes().toArray()).filter((ix) => ix.name !== '_id_');
    await bench.probe.db!.createCollection(scratch.collectionName);
    if (indexes.length) {
      await scratch.createIndexes(indexes.map(({ v: _v, ns: _ns, ...spec }) => spec as never));
    }
    const t0 = performance.now();
    await pool(docs.length, concurrency, async (i) => void (await scratch.insertOne({ ...docs[i]! })));
    const insertOneMs = performance.now() - t0;
    await scratch.drop().catch(() => undefined);

    const latencies = run.answers.map((a) => a.answeredAt - a.sentAt).sort((a, b) => a - b);
    const acceptedPerSec = round(run.accepted.length / (run.sendMs / 1000));
    const insertOnePerSec = round(docs.length / (insertOneMs / 1000));
    const commands = reportCommands(
      [{ label: 'empty', one: before }, ...(after ? [{ label: `${n} stored`, one: after }] : [])],
      { counts: run.counts, countsToOut: run.countsToOut, tickets: run.accepted.length },
    );
    const result = {
      ...info,
      at: new Date().toISOString(),
      n,
      concurrency,
      sent: run.answers.length,
      accepted: run.accepted.length,
      failed: run.failed,
      acceptedPerSec,
      answerMs: {
        p50: round(percentile(latencies, 50)),
        p99: round(percentile(latencies, 99)),
        max: round(latencies.at(-1) ?? NaN),
      },
      allOutMs: Math.round(run.allOutMs),
      ...(run.timedOut ? { timedOut: run.timedOut } : {}),
      duplicateCards: deliveries.duplicateCards(),
      baseline: { documents: docs.length, indexes: indexes.map((ix) => ix.name), insertOnePerSec, concurrency },
      intakeVsInsertOne: round(acceptedPerSec / insertOnePerSec, 4),
      commands,
    };
    console.table({
      'webhook intake (accepted/s)': { value: acceptedPerSec },
      'answer p50 (ms)': { value: result.answerMs.p50 },
      'answer p99 (ms)': { value: result.answerMs.p99 },
      'all cards + acknowledgements out (s)': {
        value: run.timedOut ? `timed out ${run.timedOut}` : round(run.allOutMs / 1000, 1),
      },
      'tickets with a duplicate card': { value: result.duplicateCards },
      [`raw insertOne, ${indexes.length + 1} indexes, concurrency ${concurrency} (docs/s)`]: { value: insertOnePerSec },
      'intake / raw insertOne': { value: result.intakeVsInsertOne },
    });
    if (run.failed) console.warn(`${run.failed} webhook(s) were not accepted with 201`);
    return result;
  } finally {
    load.stop();
    await bench.stop();
  }
}

async function main(): Promise<void> {
  const single = process.argv.includes('--n') || process.env.BENCH_N;
  const sizes = single ? [option('n', 'BENCH_N', 100)] : listOption('sizes', 'BENCH_SIZES', [100, 2000]);
  const concurrency = option('concurrency', 'BENCH_CONCURRENCY', 16);
  const probeN = option('probe', 'BENCH_PROBE', 20);
  const intervalMs = slackIntervalOption(5);
  const timeoutMs = option('timeout-s', 'BENCH_TIMEOUT_S', 600) * 1000;
  const results = [];
  for (const n of sizes) results.push(await measureSize(n, concurrency, probeN, intervalMs, timeoutMs));
  writeResult('intake', results.length === 1 ? results[0] : results);
}

runBench(main);
