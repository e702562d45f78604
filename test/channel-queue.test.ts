import { describe, expect, it } from 'vitest';
import { ChannelQueue, QueueWaitExceededError, SlackPriority, withSlackPriority } from '../src/slack/channel-queue.js';
import { createLogger } from '../src/logger.js';

const logger = createLogger('silent');
const rateLimited = (retryAfter: number) =>
  Object.assign(new Error('ratelimited'), { code: 'slack_webapi_rate_limited_error', retryAfter });

describe('the per-channel outbound queue', () => {
  it('sends one call at a time per channel, spaced, highest priority first, FIFO within a rank', async () => {
    const q = new ChannelQueue({ intervalMs: 30, maxWaitMs: 10_000, logger });
    const order: string[] = [];
    const at: number[] = [];
    const call = (name: string) => async () => {
      order.push(name);
      at.push(Date.now());
    };
    const first = q.submit('C1', call('first'), SlackPriority.P3); // starts at once
    const rest = [
      q.submit('C1', call('p3-a'), SlackPriority.P3),
      q.submit('C1', call('p3-b'), SlackPriority.P3),
      withSlackPriority(SlackPriority.P0, () => q.submit('C1', call('p0-alert'))),
      q.submit('C1', call('p1'), SlackPriority.P1),
    ];
    const other = q.submit('C2', call('other-channel'), SlackPriority.P3);
    await Promise.all([first, ...rest, other]);
    expect(order.filter((n) => n !== 'other-channel')).toEqual(['first', 'p0-alert', 'p1', 'p3-a', 'p3-b']);
    // Another channel does not wait for C1's spacing.
    expect(order.indexOf('other-channel')).toBeLessThan(2);
    const c1 = order
      .map((n, i) => [n, at[i]!] as const)
      .filter(([n]) => n !== 'other-channel')
      .map(([, t]) => t);
    for (let i = 1; i < c1.length; i++) expect(c1[i]! - c1[i - 1]!).toBeGreaterThanOrEqual(28);
  });

  it('lets a short burst go back to back after a quiet spell, then keeps the steady gap', async () => {
    const q = new ChannelQueue({ intervalMs: 200, burst: 3, maxWaitMs: 10_000, logger });
    const at: number[] = [];
    const call = async () => void at.push(Date.now());
    await Promise.all(Array.from({ length: 5 }, () => q.submit('C1', call)));
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    expect(gaps.slice(0, 2).every((g) => g < 100)).toBe(true);
    expect(gaps.slice(2).every((g) => g >= 190)).toBe(true);
    // Quiet for three gaps: the bucket is full again.
    await new Promise((r) => setTimeout(r, 650));
    at.length = 0;
    await Promise.all(Array.from({ length: 3 }, () => q.submit('C1', call)));
    expect(at[2]! - at[0]!).toBeLessThan(150);
  });

  it('honours Retry-After on a 429 by pausing the channel and sending the same call again', async () => {
    const q = new ChannelQueue({ intervalMs: 0, maxWaitMs: 10_000, logger });
    let attempts = 0;
    const started = Date.now();
    const result = await q.submit('C1', async () => {
      attempts += 1;
      if (attempts === 1) throw rateLimited(1);
      return 'posted';
    });
    expect(result).toBe('posted');
    expect(attempts).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(q.stats.rateLimited).toBe(1);
  });

  it('refuses, without sending, a call that waited longer than maxWaitMs (its job retries it)', async () => {
    const q = new ChannelQueue({ intervalMs: 1500, maxWaitMs: 1000, logger });
    let sent = 0;
    await q.submit('C1', async () => void (sent += 1));
    await expect(q.submit('C1', async () => void (sent += 1))).rejects.toBeInstanceOf(QueueWaitExceededError);
    expect(sent).toBe(1);
    q.close();
  });

  it('passes other failures through to the caller', async () => {
    const q = new ChannelQueue({ intervalMs: 0, maxWaitMs: 1000, logger });
    await expect(q.submit('C1', async () => Promise.reject(new Error('channel_not_found')))).rejects.toThrow(
      'channel_not_found',
    );
  });
});
