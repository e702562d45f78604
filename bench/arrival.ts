/**
 * Arrival-to-card benchmark: signed webhook tickets at a steady rate (BENCH_RATE / --rate, default 1 a
 * second) for BENCH_SECONDS (--seconds, default 60) from the load generator's own process, each timed from
 * the moment its request is sent to the moment the fake Slack receives the `chat.postMessage` that stores
 * its card. The Slack per-channel pacing is production's 1000 ms unless `--slack-interval-ms` says
 * otherwise. With a rate above the pacing (e.g. --rate 3) the cards queue: the benchmark reports the rate
 * at which cards leave against the pacing's, the longest the queue got and the longest wait.
 *
 * Before the steady run, `--probe` (10) tickets one at a time give the database commands per ticket to the
 * answer and to card + acknowledgement (measure.ts); the steady run's commands ÷ n follow. Writes
 * bench/results/arrival.json (arrival-<rate>.json with --rate).
 *
 *   npm run bench:arrival                       # 1 ticket/s for 60 s, production pacing
 *   npm run bench:arrival -- --rate 3 --seconds 60   # a backlog: 3 tickets/s against 1 card/s
 */
import { LoadGenerator, type LoadItem } from './load.js';
import { Deliveries, loadedRun, oneByOne, reportCommands } from './measure.js';
import {
  distinctWord,
  header,
  option,
  percentile,
  round,
  runBench,
  slackIntervalOption,
  startBenchApp,
  writeResult,
} from './support.js';

let serial = 0;
function ticket(tag: string, atMs?: number): LoadItem {
  const i = serial++;
  return {
    id: `msg_arrival_${process.pid}_${tag}_${i}`,
    body: {
      subject: `Arrival ${i}: checkout page of shop ${distinctWord(i)} shows an error`,
      body: `Request ${i}. The checkout page shows an error after the card is entered.`,
      requester: { email: `arrival${i}@example.com`, name: `Arrival ${i}` },
    },
    ...(atMs === undefined ? {} : { atMs }),
  };
}

async function main(): Promise<void> {
  const rate = option('rate', 'BENCH_RATE', 1);
  const seconds = option('seconds', 'BENCH_SECONDS', 60);
  const probeN = option('probe', 'BENCH_PROBE', 10);
  const intervalMs = slackIntervalOption(1000);
  const timeoutMs = option('timeout-s', 'BENCH_TIMEOUT_S', 600) * 1000;
  const n = rate * seconds;
  const bench = await startBenchApp('arrival', { SLACK_CHANNEL_INTERVAL_MS: String(intervalMs) });
  const load = new LoadGenerator(bench.url);
  try {
    const info = header(
      `arrival benchmark: ${rate} tickets/s for ${seconds} s (${n} tickets), ${probeN} one at a time before`,
      bench,
    );
    const pacingPerSec = intervalMs > 0 ? 1000 / intervalMs : Infinity;
    if (rate > pacingPerSec)
      console.log(`  a backlog run: ${rate} tickets/s against a pacing of ${round(pacingPerSec, 2)} cards/s`);
    const deliveries = new Deliveries(bench.slack, bench.sink);
    const parts = { commands: bench.commands, worker: bench.app.context.worker, deliveries, load };
    await oneByOne(
      parts,
      Array.from({ length: 2 }, () => ticket('warm')),
    );
    const one = await oneByOne(
      parts,
      Array.from({ length: probeN }, () => ticket('probe')),
    );
    // The one-at-a-time tickets spent the channel's burst allowance (SLACK_CHANNEL_BURST): a quiet spell
    // gives it back, as the steady run would find it after any quiet moment. Without it, arrivals at exactly
    // the pacing rate keep the bucket empty and every card waits the same fixed part of a second.
    await new Promise((r) => setTimeout(r, (bench.config.SLACK_CHANNEL_BURST + 1) * intervalMs));
    const run = await loadedRun(
      parts,
      Array.from({ length: n }, (_, i) => ticket('load', (i * 1000) / rate)),
      1,
      timeoutMs,
    );

    deliveries.update();
    const accepted = run.answers.filter((a) => a.ticket && a.status === 201);
    const toCard = accepted
      .filter((a) => deliveries.cards.has(a.ticket!))
      .map((a) => deliveries.cards.get(a.ticket!)! - a.sentAt)
      .sort((a, b) => a - b);
    const answerMs = run.answers.map((a) => a.answeredAt - a.sentAt).sort((a, b) => a - b);
    // The queue: tickets answered whose card is not out yet, over time.
    const events = [
      ...accepted.map((a) => ({ at: a.answeredAt, d: 1 })),
      ...accepted
        .filter((a) => deliveries.cards.has(a.ticket!))
        .map((a) => ({ at: deliveries.cards.get(a.ticket!)!, d: -1 })),
    ].sort((a, b) => a.at - b.at || a.d - b.d);
    let queue = 0;
    let longestQueue = 0;
    for (const e of events) longestQueue = Math.max(longestQueue, (queue += e.d));
    const cardTimes = accepted
      .map((a) => deliveries.cards.get(a.ticket!))
      .filter((t): t is number => t !== undefined)
      .sort((a, b) => a - b);
    const cardsPerSec =
      cardTimes.length > 1 ? round((cardTimes.length - 1) / ((cardTimes.at(-1)! - cardTimes[0]!) / 1000), 2) : NaN;
    const sendSeconds =
      (Math.max(...run.answers.map((a) => a.sentAt)) - Math.min(...run.answers.map((a) => a.sentAt))) / 1000;
    const commands = reportCommands([{ label: 'one at a time', one }], {
      counts: run.counts,
      countsToOut: run.countsToOut,
      tickets: accepted.length,
    });
    const result = {
      ...info,
      at: new Date().toISOString(),
      ratePerSec: rate,
      achievedPerSec: round((n - 1) / sendSeconds, 2),
      tickets: n,
      failed: run.failed,
      ...(run.timedOut ? { timedOut: run.timedOut } : {}),
      webhookToCardMs: {
        p50: round(percentile(toCard, 50)),
        p90: round(percentile(toCard, 90)),
        p99: round(percentile(toCard, 99)),
        max: round(toCard.at(-1) ?? NaN),
      },
      answerMs: { p50: round(percentile(answerMs, 50)), p99: round(percentile(answerMs, 99)) },
      cardsLeavePerSec: cardsPerSec,
      pacingPerSec: round(pacingPerSec, 2),
      longestQueue,
      duplicateCards: deliveries.duplicateCards(),
      commands,
    };
    console.table({
      'webhook → card p50 (ms)': { value: result.webhookToCardMs.p50 },
      'webhook → card p99 (ms)': { value: result.webhookToCardMs.p99 },
      'webhook → card max (ms)': { value: result.webhookToCardMs.max },
      'webhook answer p50 / p99 (ms)': { value: `${result.answerMs.p50} / ${result.answerMs.p99}` },
      'achieved rate (tickets/s)': { value: result.achievedPerSec },
      'cards leave (cards/s)': { value: cardsPerSec },
      'pacing (cards/s)': { value: result.pacingPerSec },
      'longest queue (tickets without a card)': { value: longestQueue },
      'tickets with a duplicate card': { value: result.duplicateCards },
      'all cards + acknowledgements out (s)': {
        value: run.timedOut ? `timed out ${run.timedOut}` : round(run.allOutMs / 1000, 1),
      },
    });
    if (run.failed) console.warn(`${run.failed} webhook(s) were not accepted with 201`);
    writeResult(process.argv.includes('--rate') || process.env.BENCH_RATE ? `arrival-${rate}` : 'arrival', result);
  } finally {
    load.stop();
    await bench.stop();
  }
}

runBench(main);
