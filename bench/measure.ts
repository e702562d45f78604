/**
 * What the intake benchmarks (intake, arrival, storm) share: when each ticket's card and acknowledgement
 * went out, the one-at-a-time phase that attributes database commands to a ticket, and the loaded run's
 * commands divided by its tickets.
 */
import type { DeliveryWorker } from '../src/delivery/worker.js';
import type { FakeSlack } from '../test/support/fake-slack.js';
import type { SmtpSink } from '../test/support/smtp-sink.js';
import { breakdown, countsToJson, diff, spread, sum, type CommandCounter, type CommandCounts } from './commands.js';
import type { LoadAnswer, LoadGenerator, LoadItem } from './load.js';
import { round } from './support.js';

/** Wall-clock ms, the load generator's clock too (see load-generator.ts). */
const now = () => Date.now();
/** The fake Slack times calls with this process's performance.now(): the same instant on the wall clock. */
const wallOf = (perfAt: number) => Date.now() - (performance.now() - perfAt);

function ticketKeyOf(metadata: unknown): string | undefined {
  // A call's arguments carry the metadata as the WebClient sent it: a JSON string in the form body.
  if (typeof metadata === 'string') {
    try {
      metadata = JSON.parse(metadata);
    } catch {
      return undefined;
    }
  }
  const key = (metadata as { event_payload?: { ticket_key?: unknown } } | undefined)?.event_payload?.ticket_key;
  return typeof key === 'string' ? key : undefined;
}

/**
 * Each ticket's card (its first top-level message in #support carrying the ticket's key, timed at the
 * `chat.postMessage` that stored it) and acknowledgement mail (timed when seen). Reads the fake Slack's
 * and the SMTP sink's records incrementally: no database query.
 */
export class Deliveries {
  readonly cards = new Map<string, number>();
  readonly cardCount = new Map<string, number>();
  readonly acks = new Map<string, number>();
  private calls = 0;
  private messages = 0;
  private mails = 0;
  private lastCallAt = new Map<string, number>();

  constructor(
    private readonly slack: FakeSlack,
    private readonly sink: SmtpSink,
    private readonly channel = 'CSUPPORT1',
  ) {}

  update(): this {
    const calls = this.slack.calls;
    for (; this.calls < calls.length; this.calls++) {
      const c = calls[this.calls]!;
      if (c.method !== 'chat.postMessage' || c.args.thread_ts) continue;
      const key = ticketKeyOf(c.args.metadata);
      if (key) this.lastCallAt.set(key, wallOf(c.at));
    }
    const messages = this.slack.messages;
    for (; this.messages < messages.length; this.messages++) {
      const m = messages[this.messages]!;
      if (m.channel !== this.channel || m.thread_ts) continue;
      const key = ticketKeyOf(m.metadata);
      if (!key) continue;
      this.cardCount.set(key, (this.cardCount.get(key) ?? 0) + 1);
      if (!this.cards.has(key)) this.cards.set(key, this.lastCallAt.get(key) ?? now());
    }
    const mails = this.sink.messages;
    for (; this.mails < mails.length; this.mails++) {
      const m = mails[this.mails]!;
      if (!/automatic acknowledgement/.test(m.text ?? '')) continue;
      const key = /^\[([A-Z]+-\d+)\]/.exec(m.subject ?? '')?.[1];
      if (key && !this.acks.has(key)) this.acks.set(key, now());
    }
    return this;
  }

  /** Tickets with more than one card: the same card posted again. */
  duplicateCards(): number {
    this.update();
    return [...this.cardCount.values()].filter((c) => c > 1).length;
  }

  outCount(keys: Iterable<string>, what: 'cards' | 'acks' | 'both'): number {
    this.update();
    let n = 0;
    for (const k of keys)
      if ((what !== 'acks' ? this.cards.has(k) : true) && (what !== 'cards' ? this.acks.has(k) : true)) n++;
    return n;
  }
}

/**
 * Holds the delivery worker's wake-ups while a request is in flight: the effects the request records start
 * at the answer instead of inside the counted window, so the request → answer count is the request path's
 * own. The worker's poll may still fall into a window (read the median).
 */
export function holdWakeups(worker: DeliveryWorker): () => Promise<void> {
  const w = worker as unknown as { pump(): void; runHeld: DeliveryWorker['runHeld'] };
  const original = w.pump;
  const originalHeld = w.runHeld;
  let asked = false;
  const held: Parameters<DeliveryWorker['runHeld']>[] = [];
  w.pump = () => void (asked = true);
  // A new ticket's intake starts under the claim its insert carries, without a wake-up: held the same way.
  w.runHeld = (...args) => void held.push(args);
  return async () => {
    w.pump = original;
    w.runHeld = originalHeld;
    for (const args of held) originalHeld.apply(worker, args);
    if (asked) original.call(worker);
  };
}

async function poll(until: () => boolean, timeoutMs: number, everyMs = 5): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!until()) {
    if (performance.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return true;
}

export interface OneByOne {
  /** Commands from sending the request to its answer, a ticket each. */
  request: CommandCounts[];
  /** From sending to the moment its card and its acknowledgement were both out. */
  toOut: CommandCounts[];
  /** From sending until the app has been quiet for 300 ms after both were out (the jobs' bookkeeping). */
  settled: CommandCounts[];
  /** Tickets whose card or acknowledgement did not come within the timeout. */
  timedOut: number;
  failed: number;
}

/**
 * Sends `items` one at a time, each after the app has been quiet (no command for 300 ms), and counts the
 * app's commands per ticket: to the answer (with the ticket's own effects held, see holdWakeups), to
 * card + acknowledgement, and until quiet again. The worker's and Agenda's polls can still fall into a window: the
 * median is the figure to read, the mean and max show such strays.
 */
export async function oneByOne(
  parts: { commands: CommandCounter; worker: DeliveryWorker; deliveries: Deliveries; load: LoadGenerator },
  items: LoadItem[],
  timeoutMs = 60_000,
): Promise<OneByOne> {
  const { commands, worker, deliveries, load } = parts;
  const out: OneByOne = { request: [], toOut: [], settled: [], timedOut: 0, failed: 0 };
  for (const item of items) {
    await commands.quiet(300);
    const s0 = commands.snapshot();
    const release = holdWakeups(worker);
    const [answer] = await load.run([item]);
    const s1 = commands.snapshot();
    await release();
    if (answer?.status !== 201 || !answer.ticket) {
      out.failed++;
      continue;
    }
    const key = answer.ticket;
    const ok = await poll(() => deliveries.update().cards.has(key) && deliveries.acks.has(key), timeoutMs);
    const s2 = commands.snapshot();
    await commands.quiet(300);
    const s3 = commands.snapshot();
    if (!ok) out.timedOut++;
    out.request.push(diff(s1, s0));
    out.toOut.push(diff(s2, s0));
    out.settled.push(diff(s3, s0));
  }
  return out;
}

export interface LoadedRun {
  /** The requests sent (not those the cap kept back). */
  answers: LoadAnswer[];
  unsent: number;
  accepted: string[];
  failed: number;
  sendMs: number;
  /** Until every card and every acknowledgement was out (or the timeout). */
  allOutMs: number;
  timedOut?: string;
  /** Every command the app started from the first request until it was quiet again after the last. */
  counts: CommandCounts;
  /** The same, only up to the moment everything was out. */
  countsToOut: CommandCounts;
}

/** Sends `items` (a burst at `concurrency`, or at their offsets), waits for every card and acknowledgement, counts. */
export async function loadedRun(
  parts: { commands: CommandCounter; deliveries: Deliveries; load: LoadGenerator },
  items: LoadItem[],
  concurrency: number,
  timeoutMs: number,
): Promise<LoadedRun> {
  const { commands, deliveries, load } = parts;
  const s0 = commands.snapshot();
  const started = performance.now();
  const all = await load.run(items, concurrency, timeoutMs);
  const sendMs = performance.now() - started;
  // Requests the cap kept from being sent do not count as sent, accepted or failed.
  const answers = all.filter((a) => a.status !== -1);
  const unsent = all.length - answers.length;
  if (unsent)
    console.warn(`  sending stopped at the ${round(timeoutMs / 1000)} s cap: ${answers.length} of ${all.length} sent`);
  const accepted = answers.filter((a) => a.status === 201 && a.ticket).map((a) => a.ticket!);
  let nextReport = performance.now() + 10_000;
  const ok = await poll(
    () => {
      const done = deliveries.outCount(accepted, 'both');
      if (performance.now() > nextReport) {
        console.log(
          `  waiting for cards and acknowledgements: ${deliveries.outCount(accepted, 'cards')} cards, ${deliveries.outCount(accepted, 'acks')} acknowledgements of ${accepted.length}`,
        );
        nextReport += 10_000;
      }
      return done === accepted.length;
    },
    Math.max(30_000, timeoutMs - sendMs),
    50,
  );
  const allOutMs = performance.now() - started;
  const s1 = commands.snapshot();
  const timedOut =
    ok && !unsent
      ? undefined
      : `after ${round(allOutMs / 1000)} s: ${answers.length} of ${all.length} sent, ${deliveries.outCount(accepted, 'cards')} cards and ${deliveries.outCount(accepted, 'acks')} acknowledgements of ${accepted.length} accepted`;
  if (timedOut) console.warn(`  timed out ${timedOut}`);
  if (ok) await commands.quiet(1000, 30_000);
  return {
    answers,
    unsent,
    accepted,
    failed: answers.length - accepted.length,
    sendMs,
    allOutMs,
    ...(timedOut ? { timedOut } : {}),
    counts: diff(commands.snapshot(), s0),
    countsToOut: diff(s1, s0),
  };
}

/** Prints the commands per ticket of the one-at-a-time phases and the loaded run, with a breakdown; returns them for the result file. */
export function reportCommands(
  phases: { label: string; one: OneByOne }[],
  loaded: { counts: CommandCounts; countsToOut: CommandCounts; tickets: number } | undefined,
) {
  const summary: Record<string, ReturnType<typeof spread>> = {};
  for (const { label, one } of phases) {
    summary[`${label}: request → answer`] = spread(one.request);
    summary[`${label}: → card + ack out`] = spread(one.toOut);
    summary[`${label}: → quiet again`] = spread(one.settled);
  }
  if (loaded) {
    const perTicket = (c: CommandCounts) => round(c.total / Math.max(1, loaded.tickets), 2);
    summary['loaded run: all ÷ n, to all out'] = {
      tickets: loaded.tickets,
      mean: perTicket(loaded.countsToOut),
      median: NaN,
      min: NaN,
      max: NaN,
    };
    summary['loaded run: all ÷ n, to quiet'] = {
      tickets: loaded.tickets,
      mean: perTicket(loaded.counts),
      median: NaN,
      min: NaN,
      max: NaN,
    };
  }
  console.log("database commands per ticket (the app's connection, driver command monitoring):");
  console.table(summary);
  const columns: Record<string, { counts: CommandCounts; tickets: number }> = {};
  const first = phases[0];
  if (first) {
    columns[`${first.label}: to answer`] = { counts: sum(first.one.request), tickets: first.one.request.length };
    columns[`${first.label}: to out`] = { counts: sum(first.one.toOut), tickets: first.one.toOut.length };
  }
  const last = phases.length > 1 ? phases.at(-1) : undefined;
  if (last) {
    columns[`${last.label}: to answer`] = { counts: sum(last.one.request), tickets: last.one.request.length };
    columns[`${last.label}: to out`] = { counts: sum(last.one.toOut), tickets: last.one.toOut.length };
  }
  if (loaded) columns['loaded ÷ n'] = { counts: loaded.counts, tickets: loaded.tickets };
  console.log('by command and collection, per ticket:');
  const table = breakdown(columns);
  return {
    summary,
    breakdownPerTicket: table,
    phases: Object.fromEntries(
      phases.map(({ label, one }) => [
        label,
        {
          timedOut: one.timedOut,
          failed: one.failed,
          request: countsToJson(sum(one.request)),
          toOut: countsToJson(sum(one.toOut)),
        },
      ]),
    ),
    ...(loaded
      ? {
          loaded: {
            tickets: loaded.tickets,
            toOut: countsToJson(loaded.countsToOut),
            toQuiet: countsToJson(loaded.counts),
          },
        }
      : {}),
  };
}
