/**
 * Storm benchmark (issue 14): BENCH_STORM (500) similar tickets spread over BENCH_SECONDS (300) plus
 * BENCH_UNRELATED (20) unrelated ones at even intervals among them, by signed webhook, against the fake
 * Slack enforcing one message per second per channel with 429 + Retry-After. Measures: top-level posts in
 * #support (goal: ≤ 20 for the storm plus one card per unrelated ticket), 429s that reach Deskbell's error
 * log (goal 0), time from an unrelated ticket's webhook to its card (goal p99 ≤ 5 s), acknowledgements sent
 * (all, once each). Writes bench/results/storm.json.
 *
 * The webhooks come from the load generator's own process. Before the storm, BENCH_PROBE (5) unrelated
 * tickets one at a time give the database commands per ticket (measure.ts); the storm's own commands ÷
 * its tickets follow (from its first webhook until the app is quiet after the last acknowledgement).
 * The Slack pacing is `--slack-interval-ms` (default production's 1000), printed in the header.
 *
 *   npm run bench:storm                       # the figures, about 6 minutes
 *   BENCH_STORM=100 BENCH_SECONDS=60 npm run bench:storm
 */
import { diff } from './commands.js';
import { LoadGenerator, type LoadItem } from './load.js';
import { Deliveries, oneByOne, reportCommands } from './measure.js';
import {
  distinctWord,
  header,
  option,
  percentile,
  round,
  runBench,
  slackIntervalOption,
  startBenchApp,
  waitUntil,
  writeResult,
} from './support.js';

async function main(): Promise<void> {
  const stormN = option('storm', 'BENCH_STORM', 500);
  const unrelatedN = option('unrelated', 'BENCH_UNRELATED', 20);
  const seconds = option('seconds', 'BENCH_SECONDS', 300);
  const probeN = option('probe', 'BENCH_PROBE', 5);
  const logLines: string[] = [];
  const bench = await startBenchApp(
    'storm',
    { SLACK_CHANNEL_INTERVAL_MS: String(slackIntervalOption(1000)) },
    { logLines },
  );
  const { slack, database, sink } = bench;
  slack.limitPerChannel({ perSecond: 1 });
  const load = new LoadGenerator(bench.url);
  try {
    const total = stormN + unrelatedN;
    const info = header(
      `storm benchmark: ${stormN} similar + ${unrelatedN} unrelated tickets over ${seconds} s, fake Slack enforcing 1 message/s/channel`,
      bench,
    );
    // Commands per ticket, one at a time, before the storm; then the storm starts from the records' current ends.
    const deliveries = new Deliveries(slack, sink);
    const probeItems: LoadItem[] = Array.from({ length: probeN + 2 }, (_, i) => ({
      id: `msg_storm_probe_${process.pid}_${i}`,
      body: {
        subject: `Probe ${i}: the ${distinctWord(i + 1000)} report is empty`,
        body: `Probe request ${i}.`,
        requester: { email: `probe${i}@example.com` },
      },
    }));
    await oneByOne(
      { commands: bench.commands, worker: bench.app.context.worker, deliveries, load },
      probeItems.slice(0, 2),
    );
    const one = await oneByOne(
      { commands: bench.commands, worker: bench.app.context.worker, deliveries, load },
      probeItems.slice(2),
    );
    await new Promise((r) => setTimeout(r, 1500)); // the probe's last card out of the way of the pacing
    await bench.commands.quiet(300);
    const firstMessage = slack.messages.length;
    const firstMail = sink.messages.length;
    const s0 = bench.commands.snapshot();
    // The unrelated tickets at even places among the storm's.
    const unrelatedAt = new Set(
      Array.from({ length: unrelatedN }, (_, i) => Math.floor(((i + 0.5) * total) / unrelatedN)),
    );
    const sentAt = new Map<string, number>();
    const keys: string[] = [];
    let u = 0;
    let st = 0;
    const items: (LoadItem & { unrelated: boolean })[] = [];
    for (let i = 0; i < total; i++) {
      const unrelated = unrelatedAt.has(i);
      const n = unrelated ? u++ : st++;
      const body = unrelated
        ? {
            subject: `Question ${n}: ${['invoice address', 'export format', 'team seats', 'password policy', 'api quota'][n % 5]} ${['alpha', 'bravo', 'charlie', 'delta'][Math.floor(n / 5) % 4]}`,
            body: `Unrelated request ${n}.`,
            requester: { email: `other${n}@example.com` },
          }
        : {
            subject: `Checkout fails with error 500 (order ${10_000 + n})`,
            body: `Order ${n}: the checkout page shows an error.`,
            requester: { email: `storm${n}@example.com`, name: `Storm customer ${n}` },
          };
      items.push({ id: `msg_storm_${process.pid}_${i}`, body, atMs: (i * seconds * 1000) / total, unrelated });
    }
    const answers = await load.run(items.map(({ unrelated: _u, ...item }) => item));
    let failed = 0;
    answers.forEach((a, i) => {
      if (a.status !== 201 || !a.ticket) return void failed++;
      keys.push(a.ticket);
      if (items[i]!.unrelated) sentAt.set(a.ticket, a.sentAt - (Date.now() - performance.now())); // into the fake Slack's clock
    });
    const cardAt = () => {
      const seen = new Map<string, number>();
      for (const call of slack.callsTo('chat.postMessage')) {
        const key = (call.args.metadata as { event_payload?: { ticket_key?: string } } | undefined)?.event_payload
          ?.ticket_key;
        if (
          key &&
          !call.args.thread_ts &&
          !seen.has(key) &&
          slack.messages.some((m) => m.metadata?.event_payload?.ticket_key === key)
        )
          seen.set(key, call.at);
      }
      return seen;
    };
    await waitUntil(
      'unrelated cards',
      sentAt.size,
      120_000,
      () => [...sentAt.keys()].filter((k) => cardAt().has(k)).length,
    );
    await waitUntil(
      'acknowledgements',
      keys.length,
      180_000,
      () =>
        new Set(
          sink.messages
            .slice(firstMail)
            .filter((m) => /automatic acknowledgement/.test(m.text ?? ''))
            .map((m) => m.subject),
        ).size,
    );
    const s1 = bench.commands.snapshot();
    // Let the last throttled storm-card update go out.
    await new Promise((r) => setTimeout(r, 6000));
    await bench.commands.quiet(1000, 30_000);
    const stormCounts = diff(bench.commands.snapshot(), s0);

    const posted = cardAt();
    const toCard = [...sentAt].map(([key, t0]) => posted.get(key)! - t0).sort((a, b) => a - b);
    const topLevel = slack.messages.slice(firstMessage).filter((m) => m.channel === 'CSUPPORT1' && !m.thread_ts);
    const unrelatedKeys = new Set(sentAt.keys());
    const unrelatedPosts = topLevel.filter((m) =>
      unrelatedKeys.has(String(m.metadata?.event_payload?.ticket_key ?? '')),
    ).length;
    const acks = sink.messages.slice(firstMail).filter((m) => /automatic acknowledgement/.test(m.text ?? ''));
    const ackSubjects = acks.map((m) => m.subject);
    const errorLines = logLines.filter((l) => /"level":(50|60)/.test(l));
    const rateLimitErrors = errorLines.filter((l) => /rate.?limit|429/i.test(l)).length;
    const storms = await bench.models.Storm.find({}).lean();
    const commands = reportCommands([{ label: 'unrelated, one at a time', one }], {
      counts: stormCounts,
      countsToOut: diff(s1, s0),
      tickets: keys.length,
    });
    const result = {
      ...info,
      at: new Date().toISOString(),
      database: database.kind,
      node: process.version,
      stormTickets: stormN,
      unrelatedTickets: unrelatedN,
      seconds,
      failed,
      postsInSupport: topLevel.length,
      stormPosts: topLevel.length - unrelatedPosts,
      unrelatedPosts,
      stormCardUpdates:
        slack.callsTo('chat.update').filter((c) => storms.some((st) => st.card?.ts === c.args.ts)).length -
        slack.rateLimited.filter((r) => r.method === 'chat.update').length,
      storms: storms.length,
      grouped: await bench.models.Ticket.countDocuments({ 'storm.grouped': true }),
      slack429s: slack.rateLimited.length,
      rateLimitErrorsLogged: rateLimitErrors,
      errorLinesLogged: errorLines.length,
      unrelatedToCardMs: {
        p50: round(percentile(toCard, 50)),
        p90: round(percentile(toCard, 90)),
        p99: round(percentile(toCard, 99)),
        max: round(toCard.at(-1) ?? NaN),
      },
      acknowledgements: acks.length,
      acknowledgementsDistinct: new Set(ackSubjects).size,
      commands,
    };
    console.table({
      'posts in #support (storm)': { value: result.stormPosts, goal: '≤ 20' },
      'posts in #support (unrelated)': { value: result.unrelatedPosts, goal: unrelatedN },
      '429s from Slack (absorbed)': { value: result.slack429s, goal: '-' },
      '429s in the error log': { value: result.rateLimitErrorsLogged, goal: 0 },
      'unrelated card p99 (ms)': { value: result.unrelatedToCardMs.p99, goal: '≤ 5000' },
      'acknowledgements (distinct)': {
        value: `${result.acknowledgements} (${result.acknowledgementsDistinct})`,
        goal: total,
      },
    });
    if (errorLines.length) console.warn(errorLines.slice(0, 5).join('\n'));
    writeResult('storm', result);
  } finally {
    load.stop();
    await bench.stop();
  }
}

runBench(main);
