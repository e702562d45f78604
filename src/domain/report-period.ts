import { z } from 'zod';
import {
  addDays,
  formatLocalDate,
  isoWeekday,
  localDate,
  shiftLocalDays,
  zonedTime,
  type LocalDate,
} from './local-time.js';

/**
 * `/support-report` arguments: a period, and the words `csv` and `post` anywhere. Parsed into a typed
 * request or a typed error (the listener answers an error with the help text); no Slack here.
 */
export type PeriodSpec =
  | { kind: 'days'; days: number }
  | { kind: 'last_week' }
  | { kind: 'this_month' }
  | { kind: 'last_month' }
  | { kind: 'range'; from: string; to: string }
  | { kind: 'weeks'; weeks: number };

export interface ReportRequest {
  period: PeriodSpec;
  csv: boolean;
  post: boolean;
}

export type ParseResult = { ok: true; request: ReportRequest } | { ok: false; error: string };

export interface Window {
  start: Date;
  end: Date;
}

export interface ResolvedPeriod {
  label: string;
  current: Window;
  previous: Window;
  /** Chart buckets: local days for periods up to 92 days, else (and for `weeks N`) weeks. */
  buckets: Date[];
  bucket: 'day' | 'week';
  /** `weeks N`: the report carries a trend over these weeks. */
  trend: boolean;
}

export const MAX_DAYS = 366;
export const MAX_WEEKS = 26;

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine(
    (s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    'not a calendar date',
  );
const days = z.coerce.number().int().min(1).max(MAX_DAYS);
const weeks = z.coerce.number().int().min(2).max(MAX_WEEKS);

export function parseReportArgs(text: string): ParseResult {
  const words = text.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const csv = words.includes('csv');
  const post = words.includes('post');
  const rest = words.filter((w) => w !== 'csv' && w !== 'post').join(' ');
  const period = parsePeriod(rest);
  if (typeof period === 'string') return { ok: false, error: period };
  return { ok: true, request: { period, csv, post } };
}

function parsePeriod(s: string): PeriodSpec | string {
  if (s === '' || s === 'this week' || s === '7d') return { kind: 'days', days: 7 };
  if (s === 'last week') return { kind: 'last_week' };
  if (s === 'this month') return { kind: 'this_month' };
  if (s === 'last month') return { kind: 'last_month' };
  let m = /^(\d+)d$/.exec(s);
  if (m) {
    const n = days.safeParse(m[1]);
    return n.success ? { kind: 'days', days: n.data } : `\`${s}\`: a number of days from 1 to ${MAX_DAYS}`;
  }
  m = /^weeks? (\d+)$/.exec(s);
  if (m) {
    const n = weeks.safeParse(m[1]);
    return n.success ? { kind: 'weeks', weeks: n.data } : `\`${s}\`: a trend needs 2 to ${MAX_WEEKS} weeks`;
  }
  m = /^(\S+)\s*\.\.\s*(\S+)$/.exec(s);
  if (m) {
    const from = isoDate.safeParse(m[1]);
    const to = isoDate.safeParse(m[2]);
    if (!from.success || !to.success) return `\`${s}\`: dates are written YYYY-MM-DD`;
    if (from.data > to.data) return `\`${s}\`: the first date is after the second`;
    const span = (Date.parse(to.data) - Date.parse(from.data)) / 86_400_000 + 1;
    if (span > MAX_DAYS) return `\`${s}\`: at most ${MAX_DAYS} days`;
    return { kind: 'range', from: from.data, to: to.data };
  }
  return `\`${s}\` is not a period I know`;
}

const midnight = (d: LocalDate, tz: string) => zonedTime(d, 0, 0, tz);
const parseLocal = (s: string): LocalDate => ({
  year: Number(s.slice(0, 4)),
  month: Number(s.slice(5, 7)),
  day: Number(s.slice(8, 10)),
});

/** The period in the team's time zone, the period of the same length before it, and its chart buckets. */
export function resolvePeriod(spec: PeriodSpec, now: Date, timeZone: string): ResolvedPeriod {
  const today = localDate(now, timeZone);
  const fmt = (d: Date) => d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone });
  let current: Window;
  let label: string;
  switch (spec.kind) {
    case 'days':
      current = { start: shiftLocalDays(now, -spec.days, timeZone), end: now };
      label = `Last ${spec.days} days`;
      break;
    case 'weeks':
      current = { start: shiftLocalDays(now, -7 * spec.weeks, timeZone), end: now };
      label = `Trend over the last ${spec.weeks} weeks`;
      break;
    case 'last_week': {
      const monday = addDays(today, 1 - isoWeekday(today));
      current = { start: midnight(addDays(monday, -7), timeZone), end: midnight(monday, timeZone) };
      label = 'Last week';
      break;
    }
    case 'this_month':
      current = { start: midnight({ ...today, day: 1 }, timeZone), end: now };
      label = 'This month';
      break;
    case 'last_month': {
      const first = { ...today, day: 1 };
      const prev = addDays(first, -1);
      current = { start: midnight({ ...prev, day: 1 }, timeZone), end: midnight(first, timeZone) };
      label = 'Last month';
      break;
    }
    case 'range':
      current = {
        start: midnight(parseLocal(spec.from), timeZone),
        end: midnight(addDays(parseLocal(spec.to), 1), timeZone),
      };
      label = `${spec.from} – ${spec.to}`;
      break;
  }
  const full = `${label} · ${fmt(current.start)} – ${fmt(new Date(current.end.getTime() - 1))}`;
  const trend = spec.kind === 'weeks';
  const bucket = trend || lengthDays(current) > 92 ? 'week' : 'day';
  return {
    label: full,
    current,
    previous: previousWindow(current, timeZone),
    buckets: bucketStarts(current, bucket, timeZone),
    bucket,
    trend,
  };
}

function lengthDays(w: Window): number {
  return (w.end.getTime() - w.start.getTime()) / 86_400_000;
}

/** Same length, just before. Whole local days shift by local days, so a DST change does not skew it by an hour. */
export function previousWindow(w: Window, timeZone: string): Window {
  const d = Math.round(lengthDays(w));
  const wholeDays = Math.abs(lengthDays(w) - d) <= 1 / 24 + 1e-9 && d > 0;
  return {
    start: wholeDays ? shiftLocalDays(w.start, -d, timeZone) : new Date(2 * w.start.getTime() - w.end.getTime()),
    end: w.start,
  };
}

/**
 * Bucket starts: days begin at local midnight (the first one at the window's start, so "last 7 days" from
 * a Wednesday noon has a half Wednesday at each end); weeks are 7 local days from the window's start.
 */
export function bucketStarts(w: Window, bucket: 'day' | 'week', timeZone: string): Date[] {
  const out: Date[] = [w.start];
  if (bucket === 'week') {
    for (let i = 1; i < 60; i++) {
      const t = shiftLocalDays(w.start, 7 * i, timeZone);
      if (t >= w.end) break;
      out.push(t);
    }
    return out;
  }
  for (let day = addDays(localDate(w.start, timeZone), 1), i = 0; i < 400; day = addDays(day, 1), i++) {
    const t = midnight(day, timeZone);
    if (t >= w.end) break;
    out.push(t);
  }
  return out;
}

/** A bucket's label: "Mon 3 Nov" for days, "3 Nov" for week starts. */
export function bucketLabel(start: Date, bucket: 'day' | 'week', timeZone: string): string {
  return start.toLocaleDateString('en-GB', {
    ...(bucket === 'day' ? { weekday: 'short' } : {}),
    day: 'numeric',
    month: 'short',
    timeZone,
  });
}

export function localDay(d: Date, timeZone: string): string {
  return formatLocalDate(localDate(d, timeZone));
}
