import { z } from 'zod';
import { epochDay, instantAt, isTimeZone, weekdayOfEpochDay } from './local-time.js';

/**
 * A business-hours schedule as a support team keeps it: per weekday a list of intervals (a lunch break is two
 * intervals; `24:00` ends a day; `22:00`–`06:00` runs overnight into the next day), holidays (no hours) and
 * date exceptions (other hours on that date), all in one IANA time zone. An interval belongs to the day it
 * starts on: a holiday or an exception replaces the intervals starting that day, an overnight shift from the
 * evening before still runs into it.
 */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const time = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'must be HH:MM from 00:00 to 24:00');
const interval = z
  .tuple([time, time])
  .refine(([start]) => start !== '24:00', 'cannot start at 24:00 (write 00:00 of the next day)')
  .refine(([start, end]) => start !== end, 'starts and ends at the same time (a whole day is ["00:00", "24:00"])');
const intervals = z.array(interval).max(48, 'at most 48 intervals a day');
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
  .refine((s) => new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'is not a calendar date');

export const scheduleSchema = z
  .object({
    /** IANA time zone of the hours; SUPPORT_TIMEZONE when left out. */
    timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin').optional(),
    hours: z
      .object(
        Object.fromEntries(WEEKDAYS.map((d) => [d, intervals.default([])])) as Record<
          Weekday,
          z.ZodDefault<typeof intervals>
        >,
      )
      .strict()
      .refine((h) => WEEKDAYS.some((d) => h[d].length > 0), 'needs at least one interval in the week'),
    /** Dates (YYYY-MM-DD, in the schedule's zone) without business hours. */
    holidays: z.array(isoDate).default([]),
    /** Dates with other hours than their weekday's: `"2026-12-24": [["09:00", "12:00"]]`. */
    exceptions: z.record(isoDate, intervals).default({}),
  })
  .strict();

export type ScheduleInput = z.input<typeof scheduleSchema>;
export type ScheduleDef = z.output<typeof scheduleSchema>;

/** Minutes after the start day's midnight: [start, end), end > start (overnight ends past 1440). */
type MinuteRange = [number, number];

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

function ranges(list: ReadonlyArray<readonly [string, string]>): MinuteRange[] {
  return list.map(([s, e]) => {
    const start = minutes(s);
    const end = minutes(e);
    return [start, end > start ? end : end + 1440];
  });
}

export interface CompiledSchedule {
  name: string;
  timeZone: string;
  def: ScheduleDef;
  /** The business windows [start, end) in ms of the intervals starting on local epoch day `day`, unmerged. */
  windowsOfDay(day: number): Array<[number, number]>;
  isHoliday(date: string): boolean;
}

export function compileSchedule(name: string, def: ScheduleDef, defaultZone: string): CompiledSchedule {
  const timeZone = def.timeZone ?? defaultZone;
  const weekly = WEEKDAYS.map((d) => ranges(def.hours[d]));
  const holidays = new Set(def.holidays.map((d) => epochDay(parseDate(d))));
  const exceptions = new Map(Object.entries(def.exceptions).map(([d, list]) => [epochDay(parseDate(d)), ranges(list)]));
  return {
    name,
    timeZone,
    def,
    windowsOfDay(day) {
      const list = exceptions.get(day) ?? (holidays.has(day) ? [] : weekly[weekdayOfEpochDay(day) - 1]!);
      const out: Array<[number, number]> = [];
      for (const [s, e] of list) {
        const start = instantAt(day, s, timeZone);
        const end = instantAt(day, e, timeZone);
        // An interval wholly inside a spring-forward gap has no time of its own.
        if (end > start) out.push([start, end]);
      }
      return out;
    },
    isHoliday: (date) =>
      holidays.has(epochDay(parseDate(date))) || exceptions.get(epochDay(parseDate(date)))?.length === 0,
  };
}

function parseDate(s: string) {
  return { year: Number(s.slice(0, 4)), month: Number(s.slice(5, 7)), day: Number(s.slice(8, 10)) };
}

/** Business hours in a day of the weekly pattern, for "10 business days" on cards (the longest weekday's hours). */
export function hoursPerDay(def: ScheduleDef): number {
  let most = 0;
  for (const d of WEEKDAYS)
    most = Math.max(
      most,
      ranges(def.hours[d]).reduce((n, [s, e]) => n + e - s, 0),
    );
  return Math.min(most, 1440) / 60;
}
