/**
 * Arrival-to-card benchmark: signed webhook tickets at a steady rate (BENCH_RATE / --rate, default 20 a
 * second) for BENCH_SECONDS (--seconds, default 30), each timed from the moment its request is sent to the
 * moment the fake Slack receives the `chat.postMessage` that carries its card (matched by the card's
 * metadata). The scheduler polls every 5 s as in production, so a p50 well under that shows the card does
 * not wait for a poll. Writes bench/results/arrival.json.
 *
 *   npm run bench:arrival -- --rate 20 --seconds 30
 */
import { performance } from 'node:perf_hooks';
import { sendWebhook } from '../test/support/webhooks.js';
import { distinctWord, option, percentile, round, runBench, startBenchApp, waitUntil, writeResult } from './support.js';

async function main(): Promise<void> {
  const rate = option('rate', 'BENCH_RATE', 20);
  const seconds = option('seconds', 'BENCH_SECONDS', 30);
  const n = rate * seconds;
  const bench = await startBenchApp('arrival');
  const { slack, database } = bench;
  try {
    console.log(`arrival benchmark: ${rate} tickets/s for ${seconds} s, database ${database.kind}`);
    const sentAt = new Map<string, number>();
    const acceptedMs: number[] = [];
    let failed = 0;
    const started = performance.now();
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < n; i++) {
      // A steady schedule: ticket i leaves at i / rate seconds, whatever the previous ones took.
      const due = started + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const t0 = performance.now();
      inFlight.push((async () => {
        const res = await sendWebhook(bench.url, {
          subject: `Arrival ${i}: checkout page of shop ${distinctWord(i)} shows an error`,
          body: `Request ${i}. The checkout page shows an error after the card is entered.`,
          requester: { email: `arrival${i}@example.com`, name: `Arrival ${i}` },
        }, { id: `msg_arrival_${process.pid}_${i}` });
        acceptedMs.push(performance.now() - t0);
        if (res.status !== 201) return void failed++;
        sentAt.set(((await res.json()) as { ticket: string }).ticket, t0);
      })());
    }
    await Promise.all(inFlight);
    const sendSeconds = (performance.now() - started) / 1000;
    const cardAt = () => {
      const seen = new Map<string, number>();
      for (const call of slack.callsTo('chat.postMessage')) {
        const key = (call.args.metadata as { event_payload?: { ticket_key?: string } } | undefined)?.event_payload?.ticket_key;
        if (key && !call.args.thread_ts && !seen.has(key)) seen.set(key, call.at);
      }
      return seen;
    };
    await waitUntil('cards', sentAt.size, 120_000, () => [...sentAt.keys()].filter((k) => cardAt().has(k)).length);
    const posted = cardAt();
    const toCard = [...sentAt].map(([key, t0]) => posted.get(key)! - t0).sort((a, b) => a - b);
    acceptedMs.sort((a, b) => a - b);
    const result = {
      at: new Date().toISOString(),
      database: database.kind,
      node: process.version,
      ratePerSec: rate,
      achievedPerSec: round(n / sendSeconds),
      tickets: n,
      failed,
      schedulerPollMs: Number(process.env.BENCH_POLL_MS ?? 5000),
      webhookToCardMs: { p50: round(percentile(toCard, 50)), p90: round(percentile(toCard, 90)), p99: round(percentile(toCard, 99)), max: round(toCard.at(-1) ?? NaN) },
      acknowledgementMs: { p50: round(percentile(acceptedMs, 50)), p99: round(percentile(acceptedMs, 99)) },
    };
    console.table({
      'webhook → card p50 (ms)': { value: result.webhookToCardMs.p50 },
      'webhook → card p90 (ms)': { value: result.webhookToCardMs.p90 },
      'webhook → card p99 (ms)': { value: result.webhookToCardMs.p99 },
      'webhook → card max (ms)': { value: result.webhookToCardMs.max },
      'webhook answer p99 (ms)': { value: result.acknowledgementMs.p99 },
      'achieved rate (tickets/s)': { value: result.achievedPerSec },
    });
    if (failed) console.warn(`${failed} webhook(s) were not accepted with 201`);
    writeResult('arrival', result);
  } finally {
    await bench.stop();
  }
}

runBench(main);
