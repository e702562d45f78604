/**
 * How many mails one sender address may send in per hour, counted in this process (a sliding hour of
 * timestamps per address, bounded in memory). The SMTP listener answers a sender over the limit with 451
 * (the sending server retries later), the Postmark endpoint with 429. Per process: behind a load
 * balancer the effective limit is the per-process limit times the number of processes.
 */
export class SenderLimit {
  private readonly seen = new Map<string, number[]>();

  constructor(
    private readonly perHour: number,
    private readonly now: () => number = Date.now,
    /** Addresses tracked at once; the oldest are forgotten first. */
    private readonly maxTracked = 50_000,
  ) {}

  /** Counts one mail from `sender`; false when it is over the limit (and then it is not counted). */
  take(sender: string): boolean {
    const key = sender.trim().toLowerCase();
    const now = this.now();
    const recent = (this.seen.get(key) ?? []).filter((t) => now - t < 3_600_000);
    if (recent.length >= this.perHour) {
      this.seen.set(key, recent);
      return false;
    }
    recent.push(now);
    this.seen.delete(key);
    this.seen.set(key, recent);
    if (this.seen.size > this.maxTracked) this.seen.delete(this.seen.keys().next().value!);
    return true;
  }

  /** Seconds until `sender` may send again (for Retry-After). */
  retryAfterSeconds(sender: string): number {
    const times = this.seen.get(sender.trim().toLowerCase()) ?? [];
    const oldest = times[0];
    return oldest === undefined ? 1 : Math.max(1, Math.ceil((oldest + 3_600_000 - this.now()) / 1000));
  }
}
