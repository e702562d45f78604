import type { SlaPolicy } from './sla-policy.js';

/**
 * Business-time arithmetic for the SLA clock. Pure: instants in, instants out, the team's time zone read
 * through Intl (no date library). A `24x7` target counts wall-clock time; a `business` target counts only
 * the business hours of working days, skipping weekends and holidays, with each day's hours placed in the
 * team's local time, so a daylight-saving change moves the window in UTC and never stretches or cuts it.
 */
export type ClockMode = '24x7' | 'business';
export type BusinessCalendar = Pick<SlaPolicy, 'timeZone' | 'businessHours' | 'holidays'>;

export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

/** Business calendars never need more than this many days ahead; more means a policy without working days. */
const MAX_DAYS = 3660;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock reading in `timeZone` at `instant`. */
export function zonedParts(instant: Date | number, timeZone: string): LocalDate & { hour: number; minute: number; second: number } {
  const out: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(instant))) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return { year: out.year!, month: out.month!, day: out.day!, hour: out.hour! % 24, minute: out.minute!, second: out.second! };
}

/** How far `timeZone`'s clock is ahead of UTC at `instant`, in ms. */
function offsetMs(instant: number, timeZone: string): number {
  const p = zonedParts(instant, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant when the wall clock in `timeZone` shows the given local time. A time skipped by a
 * spring-forward change resolves to the same distance past the gap; a repeated autumn hour to its later pass.
 */
export function zonedTime(date: LocalDate, hour: number, minute: number, timeZone: string): Date {
  const guess = Date.UTC(date.year, date.month - 1, date.day, hour, minute);
  const first = guess - offsetMs(guess, timeZone);
  const second = guess - offsetMs(first, timeZone);
  return new Date(second);
}

export function localDate(instant: Date, timeZone: string): LocalDate {
  const { year, month, day } = zonedParts(instant, timeZone);
  return { year, month, day };
}

export function formatLocalDate(d: LocalDate): string {
  return `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

export function addDays(d: LocalDate, days: number): LocalDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + days));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/** ISO weekday, 1 = Monday … 7 = Sunday. */
export function isoWeekday(d: LocalDate): number {
  return new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay() || 7;
}

export function isWorkingDay(cal: BusinessCalendar, d: LocalDate): boolean {
  return cal.businessHours.days.includes(isoWeekday(d)) && !cal.holidays.includes(formatLocalDate(d));
}

function hhmm(s: string): [number, number] {
  const [h, m] = s.split(':').map(Number) as [number, number];
  return [h, m];
}

/** Business windows [start, end) in ms that end after `from`, in order, clipped to start no earlier than `from`. */
function* businessWindows(cal: BusinessCalendar, from: number): Generator<[number, number]> {
  const [sh, sm] = hhmm(cal.businessHours.start);
  const [eh, em] = hhmm(cal.businessHours.end);
  let day = localDate(new Date(from), cal.timeZone);
  for (let i = 0; i < MAX_DAYS; i++, day = addDays(day, 1)) {
    if (!isWorkingDay(cal, day)) continue;
    const start = zonedTime(day, sh, sm, cal.timeZone).getTime();
    const end = zonedTime(day, eh, em, cal.timeZone).getTime();
    if (end > from) yield [Math.max(start, from), end];
  }
  throw new Error(`the SLA calendar has no business hours within ${MAX_DAYS} days: check businessHours.days and holidays`);
}

/** Clock time (ms) that runs between `from` and `to`; 0 when `to` is not after `from`. */
export function clockMsBetween(cal: BusinessCalendar, mode: ClockMode, from: Date, to: Date): number {
  const a = from.getTime();
  const b = to.getTime();
  if (b <= a) return 0;
  if (mode === '24x7') return b - a;
  let total = 0;
  for (const [start, end] of businessWindows(cal, a)) {
    if (start >= b) break;
    total += Math.min(end, b) - start;
  }
  return total;
}

/** The instant at which `ms` of clock time will have run from `from` (exactly at a window's end, not the next morning). */
export function addClockMs(cal: BusinessCalendar, mode: ClockMode, from: Date, ms: number): Date {
  if (ms <= 0) return new Date(from);
  if (mode === '24x7') return new Date(from.getTime() + ms);
  let left = ms;
  for (const [start, end] of businessWindows(cal, from.getTime())) {
    if (left <= end - start) return new Date(start + left);
    left -= end - start;
  }
  throw new Error('unreachable: businessWindows ends by throwing');
}

/** The same local time `days` calendar days earlier or later (a week back is 167 or 169 h across a DST change). */
export function shiftLocalDays(instant: Date, days: number, timeZone: string): Date {
  const p = zonedParts(instant, timeZone);
  const d = addDays(p, days);
  return new Date(zonedTime(d, p.hour, p.minute, timeZone).getTime() + p.second * 1000 + (instant.getTime() % 1000));
}
