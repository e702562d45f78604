import { instantAt, localEpochDay } from './local-time.js';
import type { CompiledSchedule } from './schedule.js';

/**
 * The SLA clock: business time on a schedule (src/domain/schedule.ts), exact across daylight-saving changes
 * because every window is placed by its local times (src/domain/local-time.ts), never by adding hours.
 *
 * Conventions (docs/sla-schedules.md):
 * - `add(from, d)` is the earliest instant at which `d` of business time has run since `from`. So a duration
 *   that ends exactly at closing time ends at the close, not at the next opening, and a zero duration is
 *   `from` itself, in hours or not.
 * - `subtract(to, d)` is the latest instant from which `d` of business time runs until `to` (when a target
 *   due at `to` started counting); a zero duration is `to`.
 * - Overlapping or touching windows (two intervals that overlap, an overnight shift running into the next
 *   day's hours) are merged, so no time counts twice.
 */
export interface BusinessClock {
  /** The schedule's name (`24x7` for wall-clock time). */
  readonly name: string;
  readonly timeZone: string;
  /** Business ms between two instants; 0 when `b` is not after `a`. */
  between(a: Date, b: Date): number;
  add(from: Date, ms: number): Date;
  subtract(to: Date, ms: number): Date;
  /** Whether the clock runs at `t` (windows are [start, end)). */
  isOpen(t: Date): boolean;
  /** `t` when open, else the next opening. */
  nextOpen(t: Date): Date;
  /** The earliest instant from which no business time runs until `t` (the last close before a closed `t`). */
  idleSince(t: Date): Date;
}

export const WALL_CLOCK_NAME = '24x7';

/** Every millisecond counts: P0 and P1 by default. */
export function wallClock(timeZone: string): BusinessClock {
  return {
    name: WALL_CLOCK_NAME,
    timeZone,
    between: (a, b) => Math.max(0, b.getTime() - a.getTime()),
    add: (from, ms) => new Date(from.getTime() + Math.max(0, ms)),
    subtract: (to, ms) => new Date(to.getTime() - Math.max(0, ms)),
    isOpen: () => true,
    nextOpen: (t) => new Date(t),
    idleSince: (t) => new Date(t),
  };
}

const DAY_MS = 86_400_000;
/** How far a layout grows at a time beyond what was asked (laying out windows costs a few µs a day). */
const MARGIN_DAYS = 45;
/** No schedule needs more than ten years to run a target (a weekly pattern has hours every week). */
const MAX_SPAN_DAYS = 3660;

/**
 * Business windows laid out once for a span of local days, merged, with running totals: each question is
 * one or two binary searches. The span grows on demand and is kept, so the sweep, every ticket write and
 * the reports (a million tickets) share one layout per schedule.
 */
export class ScheduleClock implements BusinessClock {
  private starts: number[] = [];
  private ends: number[] = [];
  /** Business ms in the windows before window i. */
  private before: number[] = [];
  /** Exact for instants in [lo, hi): the local days firstDay … lastDay - 1. */
  private firstDay = 0;
  private lastDay = 0;
  private lo = Infinity;
  private hi = -Infinity;

  constructor(private readonly schedule: CompiledSchedule) {}

  get name(): string {
    return this.schedule.name;
  }

  get timeZone(): string {
    return this.schedule.timeZone;
  }

  between(a: Date, b: Date): number {
    const x = a.getTime();
    const y = b.getTime();
    if (y <= x) return 0;
    this.cover(x, y);
    return this.upTo(y) - this.upTo(x);
  }

  add(from: Date, ms: number): Date {
    const x = from.getTime();
    if (ms <= 0) return new Date(x);
    for (let span = MARGIN_DAYS; ; span *= 2) {
      this.cover(x, x + span * DAY_MS);
      const target = this.upTo(x) + ms;
      const i = this.firstEndingAtOrAfter(target);
      if (i >= 0) {
        const t = this.starts[i]! + (target - this.before[i]!);
        if (t < this.hi) return new Date(t);
      }
      if (span > MAX_SPAN_DAYS)
        throw new Error(`schedule ${this.name} has no business hours for ${MAX_SPAN_DAYS} days`);
    }
  }

  subtract(to: Date, ms: number): Date {
    const y = to.getTime();
    if (ms <= 0) return new Date(y);
    for (let span = MARGIN_DAYS; ; span *= 2) {
      this.cover(y - span * DAY_MS, y);
      const target = this.upTo(y) - ms;
      const i = this.lastStartingAtOrBefore(target);
      if (i >= 0) {
        const t = this.starts[i]! + (target - this.before[i]!);
        if (t >= this.lo) return new Date(t);
      }
      if (span > MAX_SPAN_DAYS)
        throw new Error(`schedule ${this.name} has no business hours for ${MAX_SPAN_DAYS} days`);
    }
  }

  isOpen(t: Date): boolean {
    const x = t.getTime();
    this.cover(x, x);
    const i = this.lastWindowStartingBy(x);
    return i >= 0 && x < this.ends[i]!;
  }

  nextOpen(t: Date): Date {
    if (this.isOpen(t)) return new Date(t);
    const x = t.getTime();
    for (let span = MARGIN_DAYS; ; span *= 2) {
      this.cover(x, x + span * DAY_MS);
      const i = this.lastWindowStartingBy(x) + 1;
      if (i < this.starts.length && this.starts[i]! < this.hi) return new Date(this.starts[i]!);
      if (span > MAX_SPAN_DAYS)
        throw new Error(`schedule ${this.name} has no business hours for ${MAX_SPAN_DAYS} days`);
    }
  }

  idleSince(t: Date): Date {
    const x = t.getTime();
    for (let span = MARGIN_DAYS; ; span *= 2) {
      this.cover(x - span * DAY_MS, x);
      const i = lastIndex(this.starts, (s) => s < x);
      if (i >= 0 && x <= this.ends[i]!) return new Date(x);
      if (i >= 0 && this.ends[i]! >= this.lo) return new Date(this.ends[i]!);
      if (span > MAX_SPAN_DAYS)
        throw new Error(`schedule ${this.name} has no business hours for ${MAX_SPAN_DAYS} days`);
    }
  }

  /** Business ms from the layout's origin to `t` (differences are what count). */
  private upTo(t: number): number {
    const i = this.lastWindowStartingBy(t);
    if (i < 0) return 0;
    return this.before[i]! + Math.min(t, this.ends[i]!) - this.starts[i]!;
  }

  private lastWindowStartingBy(t: number): number {
    return lastIndex(this.starts, (s) => s <= t);
  }

  /** The first window whose running total at its end reaches `total`. */
  private firstEndingAtOrAfter(total: number): number {
    const i = lastIndex(this.before, (b, k) => b + this.ends[k]! - this.starts[k]! < total) + 1;
    return i < this.starts.length ? i : -1;
  }

  /** The last window whose running total at its start is at most `total`. */
  private lastStartingAtOrBefore(total: number): number {
    return lastIndex(this.before, (b) => b <= total);
  }

  /** Makes the layout exact for [a, b], growing it with a margin on the side that was short. */
  private cover(a: number, b: number): void {
    if (a >= this.lo && b < this.hi) return;
    const fresh = this.lo === Infinity;
    const first = Math.min(
      fresh ? Infinity : this.firstDay,
      localEpochDay(a, this.timeZone) - (a < this.lo ? MARGIN_DAYS : 0),
    );
    const last = Math.max(
      fresh ? -Infinity : this.lastDay,
      localEpochDay(b, this.timeZone) + 1 + (b >= this.hi ? MARGIN_DAYS : 0),
    );
    this.layout(first, last);
  }

  private layout(firstDay: number, lastDay: number): void {
    const windows: Array<[number, number]> = [];
    // The day before `firstDay` may run an overnight interval into it.
    for (let day = firstDay - 1; day < lastDay; day++) windows.push(...this.schedule.windowsOfDay(day));
    windows.sort((p, q) => p[0] - q[0]);
    const starts: number[] = [];
    const ends: number[] = [];
    const before: number[] = [];
    let total = 0;
    for (const [s, e] of windows) {
      const last = ends.length - 1;
      if (last >= 0 && s <= ends[last]!) {
        if (e > ends[last]!) {
          total += e - ends[last]!;
          ends[last] = e;
        }
        continue;
      }
      starts.push(s);
      ends.push(e);
      before.push(total);
      total += e - s;
    }
    this.starts = starts;
    this.ends = ends;
    this.before = before;
    this.firstDay = firstDay;
    this.lastDay = lastDay;
    this.lo = instantAt(firstDay, 0, this.timeZone);
    this.hi = instantAt(lastDay, 0, this.timeZone);
  }
}

/** The last index whose element satisfies `ok`, for an `ok` that holds on a prefix of the array; -1 if none. */
function lastIndex(values: number[], ok: (v: number, i: number) => boolean): number {
  let lo = 0;
  let hi = values.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ok(values[mid]!, mid)) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
