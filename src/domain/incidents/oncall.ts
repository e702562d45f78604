import { readJsonFile, validFile } from '../settings-file.js';
import { z } from 'zod';
import { addDays, isoWeekday, localDate, zonedTime, type LocalDate } from '../local-time.js';

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
const userId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user ID such as U0123ABCD');
const localDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date such as 2026-01-05');
const instant = z.union([localDay, z.iso.datetime({ offset: true })]);

/** ONCALL_FILE: the weekly rotation (PRODUCT.md: "On-call rotates weekly"). */
export const onCallFileSchema = z
  .object({
    /** People in order; each holds one week, then the next takes over at the handoff. */
    rotation: z.array(userId).min(1, 'needs at least one person'),
    /** When the week changes hands, in SUPPORT_TIMEZONE. */
    handoff: z.object({
      day: z.enum(WEEKDAYS),
      time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24 h)'),
    }),
    /** The date the rotation started: the first person's week is the one containing the first handoff on or after it. */
    start: localDay,
    /** Someone covering for a while; wins over the rotation. `from`/`to` are dates (local midnight) or ISO instants. */
    overrides: z.array(z.object({ user: userId, from: instant, to: instant })).default([]),
  })
  .strict();

export type OnCallFile = z.infer<typeof onCallFileSchema>;

export interface OnCallOverride {
  user: string;
  from: Date;
  to: Date;
}

export interface OnCallNow {
  primary: string;
  /** Next week's person (or the one after an override ends). */
  secondary?: string;
  /** When the primary's shift ends (the next handoff, or the end of an override). */
  until: Date;
  /** The primary covers through an override. */
  override: boolean;
}

export interface Rotation {
  people: string[];
  handoffDay: number;
  handoffHour: number;
  handoffMinute: number;
  start: LocalDate;
  overrides: OnCallOverride[];
  timeZone: string;
}

/** Reads and validates ONCALL_FILE at start, like the SLA policy: a bad file stops Deskbell with the reason. */
export function loadRotation(file: string, timeZone: string): Rotation {
  return toRotation(validFile('ONCALL_FILE', file, onCallFileSchema, readJsonFile('ONCALL_FILE', file)), timeZone);
}

export function toRotation(file: OnCallFile, timeZone: string): Rotation {
  const [hour, minute] = file.handoff.time.split(':').map(Number) as [number, number];
  const [y, m, d] = file.start.split('-').map(Number) as [number, number, number];
  return {
    people: file.rotation,
    handoffDay: WEEKDAYS.indexOf(file.handoff.day) + 1,
    handoffHour: hour,
    handoffMinute: minute,
    start: { year: y, month: m, day: d },
    overrides: file.overrides.map((o) => ({
      user: o.user,
      from: parseInstant(o.from, timeZone),
      to: parseInstant(o.to, timeZone),
    })),
    timeZone,
  };
}

function parseInstant(value: string, timeZone: string): Date {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return new Date(value);
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  return zonedTime({ year: y, month: m, day: d }, 0, 0, timeZone);
}

/** The handoff instant on the week of local date `d` (its handoff weekday), in the team's time zone. */
function handoffOnWeekOf(r: Rotation, d: LocalDate): Date {
  const shift = r.handoffDay - isoWeekday(d);
  return zonedTime(addDays(d, shift), r.handoffHour, r.handoffMinute, r.timeZone);
}

/** The first handoff at or after the rotation's start date: the first person's week begins there. */
function firstHandoff(r: Rotation): Date {
  const startOfDay = zonedTime(r.start, 0, 0, r.timeZone);
  let h = handoffOnWeekOf(r, r.start);
  if (h < startOfDay) h = handoffOnWeekOf(r, addDays(r.start, 7));
  return h;
}

/**
 * Who is on call at `now`: the rotation's person for this week (counted in handoffs since the first one,
 * each placed in local time so a daylight-saving change moves it in UTC, never by an hour in local time),
 * unless an override covers `now`. Before the first handoff, the first person is on call.
 */
export function onCallAt(r: Rotation, now: Date, extraOverrides: OnCallOverride[] = []): OnCallNow {
  const first = firstHandoff(r);
  let weekIndex = 0;
  let until = first;
  if (now >= first) {
    // Whole local weeks since the first handoff: compare local dates, not milliseconds (DST weeks are 167/169 h).
    const today = localDate(now, r.timeZone);
    let current = handoffOnWeekOf(r, today);
    if (current > now) current = handoffOnWeekOf(r, addDays(today, -7));
    weekIndex = Math.round((dayNumber(localDate(current, r.timeZone)) - dayNumber(localDate(first, r.timeZone))) / 7);
    until = handoffOnWeekOf(r, addDays(localDate(current, r.timeZone), 7));
  }
  const n = r.people.length;
  const scheduled = r.people[((weekIndex % n) + n) % n]!;
  const next = n > 1 ? r.people[(((weekIndex + 1) % n) + n) % n]! : undefined;
  const overrides = [...r.overrides, ...extraOverrides].filter((o) => o.from <= now && now < o.to);
  const cover = overrides.sort((a, b) => b.from.getTime() - a.from.getTime())[0];
  if (cover) {
    const secondary = scheduled !== cover.user ? scheduled : next;
    return {
      primary: cover.user,
      ...(secondary ? { secondary } : {}),
      until: cover.to < until ? cover.to : until,
      override: true,
    };
  }
  return { primary: scheduled, ...(next && next !== scheduled ? { secondary: next } : {}), until, override: false };
}

function dayNumber(d: LocalDate): number {
  return Date.UTC(d.year, d.month - 1, d.day) / 86_400_000;
}
