import { DateTime, IANAZone } from 'luxon';

/**
 * Local dates and wall-clock times in a time zone, on Luxon's time-zone rules (the platform's tz database).
 * A local time that does not exist (skipped by a spring-forward change) moves forward by the length of the
 * gap, so 02:30 on the day Los Angeles skips 02:00–03:00 is 03:30 PDT; a local time that happens twice (the
 * repeated autumn hour) is its earlier instant. These are Temporal's `compatible` rules, applied the same way
 * in every zone (Luxon alone picks the repeated hour's earlier or later pass depending on the zone).
 */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const DAY_MS = 86_400_000;
const zones = new Map<string, IANAZone>();

export function isTimeZone(name: string): boolean {
  return IANAZone.isValidZone(name);
}

function zone(name: string): IANAZone {
  let z = zones.get(name);
  if (!z) {
    if (!IANAZone.isValidZone(name)) throw new Error(`${name} is not an IANA time zone`);
    zones.set(name, (z = IANAZone.create(name)));
  }
  return z;
}

/** How far the zone's clock is ahead of UTC at `instant`, in ms. */
export function offsetMs(instant: number, timeZone: string): number {
  return zone(timeZone).offset(instant) * 60_000;
}

/** Days since 1970-01-01 of a local date: plain calendar arithmetic, no zone involved. */
export function epochDay(d: LocalDate): number {
  return Math.round(Date.UTC(d.year, d.month - 1, d.day) / DAY_MS);
}

export function dateOfEpochDay(n: number): LocalDate {
  const t = new Date(n * DAY_MS);
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/** ISO weekday of an epoch day, 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday). */
export function weekdayOfEpochDay(n: number): number {
  return ((((n + 3) % 7) + 7) % 7) + 1;
}

/**
 * The instant at which the wall clock in `timeZone` shows `minute` minutes past midnight of local day `day`
 * (an epoch day; `minute` may be 1440 or more for times on later days). Gap: forward by the gap's length;
 * repeated hour: the earlier instant.
 */
export function instantAt(day: number, minute: number, timeZone: string): number {
  const wall = day * DAY_MS + minute * 60_000;
  // Zones change their offset at most once within a day on either side of a wall time.
  const before = offsetMs(wall - DAY_MS, timeZone);
  const after = offsetMs(wall + DAY_MS, timeZone);
  if (before === after) return wall - before;
  const candidates = [wall - before, wall - after].filter((t) => offsetMs(t, timeZone) === wall - t);
  if (candidates.length) return Math.min(...candidates);
  // In a gap: read with the offset from before the change, which lands as far past the gap as it was into it.
  return wall - before;
}

/** The wall-clock reading in `timeZone` at `instant`. */
export function zonedParts(
  instant: Date | number,
  timeZone: string,
): LocalDate & { hour: number; minute: number; second: number } {
  const t = typeof instant === 'number' ? instant : instant.getTime();
  const local = new Date(t + offsetMs(t, timeZone));
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
  };
}

/** The instant when the wall clock in `timeZone` shows the given local time (gap and repeated hour as above). */
export function zonedTime(date: LocalDate, hour: number, minute: number, timeZone: string): Date {
  return new Date(instantAt(epochDay(date), hour * 60 + minute, timeZone));
}

export function localDate(instant: Date, timeZone: string): LocalDate {
  const { year, month, day } = zonedParts(instant, timeZone);
  return { year, month, day };
}

export function localEpochDay(instant: number, timeZone: string): number {
  return Math.floor((instant + offsetMs(instant, timeZone)) / DAY_MS);
}

export function formatLocalDate(d: LocalDate): string {
  return `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

export function addDays(d: LocalDate, days: number): LocalDate {
  return dateOfEpochDay(epochDay(d) + days);
}

/** ISO weekday, 1 = Monday … 7 = Sunday. */
export function isoWeekday(d: LocalDate): number {
  return weekdayOfEpochDay(epochDay(d));
}

/** The same local time `days` calendar days earlier or later (a week back is 167 or 169 h across a DST change). */
export function shiftLocalDays(instant: Date, days: number, timeZone: string): Date {
  const p = zonedParts(instant, timeZone);
  const d = addDays(p, days);
  return new Date(zonedTime(d, p.hour, p.minute, timeZone).getTime() + p.second * 1000 + (instant.getTime() % 1000));
}

/**
 * "Mon 9 Mar, 13:00 UTC-04:00": an instant as the team reads it on its own clock. The offset rather than a
 * zone abbreviation: abbreviations depend on the locale ("EDT" in en-US, "GMT-4" in en-GB) and repeat.
 */
export function formatLocalTime(instant: Date, timeZone: string): string {
  return DateTime.fromJSDate(instant, { zone: timeZone }).setLocale('en-GB').toFormat("ccc d LLL, HH:mm 'UTC'ZZ");
}
