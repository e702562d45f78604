import { AsyncLocalStorage } from 'node:async_hooks';
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../logger.js';

/**
 * The one outbound queue for Slack messages: every chat.postMessage and chat.update of this process goes
 * through it, per channel (a DM counts as the user's channel). Slack publishes about one message per second
 * per channel ("short bursts allowed"), so each channel sends one call at a time from a token bucket: up to
 * `burst` calls back to back, then one per `intervalMs`, a token coming back `intervalMs` after the call
 * that spent it *answered* (so the rate at Slack stays within the limit when the network jitters). The burst
 * is what keeps a steady one ticket a second from queueing: arrivals jitter, and without it each card would
 * wait for the gap behind the one before. A 429 empties the bucket, pauses that channel for its Retry-After and sends the same call again: a
 * 429 is a definite refusal, so resending cannot post twice. Rate limits are normal here, logged at debug.
 *
 * When calls wait, they leave in priority order (0 = P0 first), first come first served within a rank: a
 * P0 alert never waits behind P3 cards. The rank comes from the code that runs the call (`withSlackPriority`)
 * instead of an argument, so any code path, present or future, is queued without knowing about it.
 *
 * A call that waits longer than `maxWaitMs` is refused with a rate-limit error without being sent: the
 * exactly-once layer (src/db/once.ts) records it as a definite refusal and its effect retries later. That keeps
 * every send well inside the claim a worker holds while posting (SlackDeps.claimMs), so a slow queue can never
 * let a second worker take over a post that is still going to happen.
 *
 * The queue is per process. Several processes each keep their own spacing; whatever they add up to beyond
 * Slack's limit comes back as 429s, which every process honours the same way (see README, "Slack's limits").
 */
export interface ChannelQueueOptions {
  /** Gap after which one more call to a channel may go (the steady rate). */
  intervalMs: number;
  /** Calls to one channel that may go back to back after a quiet spell (default 1: always the gap). */
  burst?: number;
  /** Longest a call may wait for its turn before it is refused (and retried by its job). */
  maxWaitMs: number;
  logger: Logger;
}

/** Lower goes first. Tickets map their priority; P0 alerts and pages use 0. */
export const SlackPriority = { P0: 0, P1: 1, P2: 2, untriaged: 2, P3: 3, background: 4 } as const;

const priorityContext = new AsyncLocalStorage<number>();

/** Runs `fn` so that every Slack message it sends is queued with `rank`. */
export function withSlackPriority<T>(rank: number, fn: () => Promise<T>): Promise<T> {
  return priorityContext.run(rank, fn);
}

/** The queue rank of a ticket's messages. */
export function ticketRank(priority: string | null | undefined): number {
  return priority && priority in SlackPriority
    ? SlackPriority[priority as keyof typeof SlackPriority]
    : SlackPriority.untriaged;
}

/** Thrown without sending when a call waited too long: the same code as Slack's own rate limit, so callers treat it alike. */
export class QueueWaitExceededError extends Error {
  override name = 'QueueWaitExceededError';
  readonly code = 'slack_webapi_rate_limited_error';
  constructor(
    readonly channel: string,
    readonly retryAfter: number,
  ) {
    super(`Slack messages to ${channel} are queued; this one waited too long and will be retried`);
  }
}

interface Entry {
  rank: number;
  seq: number;
  enqueuedAt: number;
  run: () => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

interface Lane {
  waiting: Entry[];
  busy: boolean;
  /** Earliest time (ms) the next call may start. */
  nextAt: number;
  /** Calls that may go at once (fractions refill over time), and when that was last worked out. */
  tokens: number;
  countedAt: number;
  timer?: NodeJS.Timeout;
}

export interface ChannelQueueStats {
  sent: number;
  rateLimited: number;
  refused: number;
}

export class ChannelQueue {
  private lanes = new Map<string, Lane>();
  private seq = 0;
  readonly stats: ChannelQueueStats = { sent: 0, rateLimited: 0, refused: 0 };

  private readonly burst: number;

  constructor(private readonly opts: ChannelQueueOptions) {
    this.burst = Math.max(1, opts.burst ?? 1);
  }

  /** Adds the tokens earned since last counted; the next call waits while less than one is left. */
  private refill(lane: Lane, now: number): void {
    const earned = this.opts.intervalMs > 0 ? (now - lane.countedAt) / this.opts.intervalMs : this.burst;
    lane.tokens = Math.min(this.burst, lane.tokens + Math.max(0, earned));
    lane.countedAt = now;
  }

  /** After a call answered: spend its token; with less than one left, the next waits until one is whole. */
  private spend(lane: Lane): void {
    const now = Date.now();
    this.refill(lane, now);
    lane.tokens = Math.max(0, lane.tokens - 1);
    lane.nextAt = lane.tokens >= 1 ? now : now + (1 - lane.tokens) * this.opts.intervalMs;
  }

  /** Queues `run` for `channel` with the caller's priority (withSlackPriority), or `rank`. */
  submit<T>(
    channel: string,
    run: () => Promise<T>,
    rank = priorityContext.getStore() ?? SlackPriority.untriaged,
  ): Promise<T> {
    const lane = this.lane(channel);
    return new Promise<T>((resolve, reject) => {
      lane.waiting.push({
        rank,
        seq: this.seq++,
        enqueuedAt: Date.now(),
        run,
        resolve: resolve as (v: unknown) => void,
        reject,
      });
      this.pump(channel, lane);
    });
  }

  /** Stops the timers; waiting calls are refused so their jobs retry elsewhere. */
  close(): void {
    for (const [channel, lane] of this.lanes) {
      clearTimeout(lane.timer);
      for (const e of lane.waiting.splice(0)) e.reject(new QueueWaitExceededError(channel, 1));
    }
  }

  private lane(channel: string): Lane {
    let lane = this.lanes.get(channel);
    if (!lane)
      this.lanes.set(
        channel,
        (lane = { waiting: [], busy: false, nextAt: 0, tokens: this.burst, countedAt: Date.now() }),
      );
    return lane;
  }

  private pump(channel: string, lane: Lane): void {
    if (lane.busy || !lane.waiting.length) return;
    const now = Date.now();
    if (now < lane.nextAt) {
      if (!lane.timer)
        lane.timer = setTimeout(() => ((lane.timer = undefined), this.pump(channel, lane)), lane.nextAt - now);
      return;
    }
    const entry = this.takeNext(lane, now, channel);
    if (!entry) return;
    lane.busy = true;
    void this.send(channel, lane, entry);
  }

  /** The highest-ranked waiting call, refusing on the way any that waited past maxWaitMs. */
  private takeNext(lane: Lane, now: number, channel: string): Entry | undefined {
    for (let i = lane.waiting.length - 1; i >= 0; i--) {
      const e = lane.waiting[i]!;
      if (now - e.enqueuedAt > this.opts.maxWaitMs) {
        lane.waiting.splice(i, 1);
        this.stats.refused += 1;
        e.reject(new QueueWaitExceededError(channel, Math.ceil(Math.max(1000, lane.nextAt - now) / 1000)));
      }
    }
    let best = -1;
    lane.waiting.forEach((e, i) => {
      const b = lane.waiting[best];
      if (!b || e.rank < b.rank || (e.rank === b.rank && e.seq < b.seq)) best = i;
    });
    return best < 0 ? undefined : lane.waiting.splice(best, 1)[0];
  }

  private async send(channel: string, lane: Lane, entry: Entry): Promise<void> {
    try {
      const result = await entry.run();
      this.stats.sent += 1;
      this.spend(lane);
      entry.resolve(result);
    } catch (err) {
      const retryAfter = rateLimitRetryAfter(err);
      if (retryAfter !== undefined) {
        this.stats.rateLimited += 1;
        this.opts.logger.debug({ channel, retryAfter }, 'Slack rate limit: the channel pauses for Retry-After');
        lane.nextAt = Date.now() + Math.max(retryAfter * 1000, this.opts.intervalMs);
        // Slack said stop: the bucket starts empty again once the pause is over.
        lane.tokens = 0;
        lane.countedAt = lane.nextAt - this.opts.intervalMs;
        lane.waiting.push(entry); // same rank and seq: it goes first again among its peers
      } else {
        this.spend(lane);
        entry.reject(err);
      }
    } finally {
      lane.busy = false;
      this.pump(channel, lane);
    }
  }
}

/** Retry-After (seconds) of Slack's 429, as the WebClient reports it with `rejectRateLimitedCalls`. */
function rateLimitRetryAfter(err: unknown): number | undefined {
  const e = err as { code?: string; retryAfter?: number } | undefined;
  if (e?.code !== 'slack_webapi_rate_limited_error' || e instanceof QueueWaitExceededError) return undefined;
  return typeof e.retryAfter === 'number' && e.retryAfter >= 0 ? e.retryAfter : 1;
}

/**
 * Sends `client`'s chat.postMessage and chat.update through `queue`, keyed by their `channel`. The client
 * must be built with `rejectRateLimitedCalls` (src/slack/client.ts) so a 429 reaches the queue at once
 * instead of pausing every method of the client inside the WebClient.
 */
export function routeThroughQueue(client: WebClient, queue: ChannelQueue): WebClient {
  const chat = client.chat as unknown as Record<string, (args: { channel: string }) => Promise<unknown>>;
  for (const method of ['postMessage', 'update'] as const) {
    const original = chat[method]!;
    if ((original as { queued?: boolean }).queued) continue;
    const queued = (args: { channel: string }) => queue.submit(String(args.channel), () => original(args));
    chat[method] = Object.assign(queued, { queued: true });
  }
  return client;
}
