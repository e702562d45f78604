/**
 * Idle cost: starts the app on an empty database, waits until it has settled (`--settle-s`, default 15 s,
 * then until no command for 1 s), and counts the database commands the app starts over `--seconds` (30)
 * of idleness: the scheduler's polling, the recurring jobs and the delivery machinery together. Prints
 * commands per second and the breakdown by command and collection. Writes bench/results/idle.json.
 *
 *   npm run bench:idle
 *   npm run bench:idle -- --seconds 120    # covers the one-minute jobs (reconcile, SLA sweep) twice
 */
import { breakdown, countsToJson, diff } from './commands.js';
import { header, option, round, runBench, slackIntervalOption, startBenchApp, writeResult } from './support.js';

async function main(): Promise<void> {
  const seconds = option('seconds', 'BENCH_SECONDS', 30);
  const settleS = option('settle-s', 'BENCH_SETTLE_S', 15, 0);
  const bench = await startBenchApp('idle', { SLACK_CHANNEL_INTERVAL_MS: String(slackIntervalOption(1000)) });
  try {
    const info = header(`idle benchmark: ${seconds} s of idleness after ${settleS} s of settling`, bench, false);
    await new Promise((r) => setTimeout(r, settleS * 1000));
    await bench.commands.quiet(1000, 10_000);
    const s0 = bench.commands.snapshot();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const counts = diff(bench.commands.snapshot(), s0);
    const perSec = round(counts.total / seconds, 2);
    console.log(
      `idle: ${counts.total} commands in ${seconds} s = ${perSec} commands/s; per second by command and collection:`,
    );
    const table = breakdown({
      'per second': { counts, tickets: seconds },
      [`in ${seconds} s`]: { counts, tickets: 1 },
    });
    writeResult('idle', {
      ...info,
      at: new Date().toISOString(),
      seconds,
      settleS,
      commandsPerSec: perSec,
      commands: countsToJson(counts),
      breakdown: table,
    });
  } finally {
    await bench.stop();
  }
}

runBench(main);
