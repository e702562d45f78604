import { addDays, isWorkingDay, localDate, zonedTime, type BusinessCalendar } from './sla-clock.js';

/**
 * Business milliseconds between two instants, for many tickets at once. clockMsBetween walks the calendar
 * day by day through Intl for every call, which is fine for one ticket and far too slow for a million in
 * a report; here the business windows of the span are laid out once with running totals, and each
 * question is two binary searches.
 */
export class BusinessTime {
  private starts: number[] = [];
  private ends: number[] = [];
  /** Business ms before window i. */
  private before: number[] = [];
  private from = Infinity;
  private to = -Infinity;

  constructor(private readonly cal: BusinessCalendar) {}

  between(a: Date, b: Date): number {
    const x = a.getTime();
    const y = b.getTime();
    if (y <= x) return 0;
    if (x < this.from || y > this.to) this.cover(Math.min(x, this.from), Math.max(y, this.to));
    return this.upTo(y) - this.upTo(x);
  }

  /** Lays out the windows from a little before `a` to a little after `b` (grown in steps, not per call). */
  private cover(a: number, b: number): void {
    const from = a - 30 * 86_400_000;
    const to = b + 30 * 86_400_000;
    const [sh, sm] = hhmm(this.cal.businessHours.start);
    const [eh, em] = hhmm(this.cal.businessHours.end);
    this.starts = [];
    this.ends = [];
    this.before = [];
    let total = 0;
    for (let day = localDate(new Date(from), this.cal.timeZone); ; day = addDays(day, 1)) {
      const start = zonedTime(day, sh, sm, this.cal.timeZone).getTime();
      if (start > to) break;
      if (!isWorkingDay(this.cal, day)) continue;
      const end = zonedTime(day, eh, em, this.cal.timeZone).getTime();
      this.starts.push(start);
      this.ends.push(end);
      this.before.push(total);
      total += end - start;
    }
    this.from = from;
    this.to = to;
  }

  private upTo(t: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    let idx = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! <= t) {
        idx = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (idx < 0) return 0;
    return this.before[idx]! + Math.min(t, this.ends[idx]!) - this.starts[idx]!;
  }
}

function hhmm(s: string): [number, number] {
  const [h, m] = s.split(':').map(Number) as [number, number];
  return [h, m];
}
