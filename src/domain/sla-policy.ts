import { createHash } from 'node:crypto';
import { z } from 'zod';
import { readJsonFile, validFile } from './settings-file.js';
import {
  compileSchedule,
  hoursPerDay,
  isoDate,
  scheduleSchema,
  WEEKDAYS,
  type ScheduleDef,
  type ScheduleInput,
} from './schedule.js';
import { ScheduleClock, WALL_CLOCK_NAME, wallClock, type BusinessClock } from './sla-clock.js';
import { routeSchema, type Route } from './sla-routing.js';
import { PRIORITIES, type Priority } from './types.js';

/** The team's schedule, whichever it is for the ticket (routing, else the default schedule). */
export const TEAM_CLOCK = 'business';
const NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;
const scheduleName = z.string().regex(NAME, 'must be a lower-case name (letters, digits, - and _; at most 40)');

const target = z
  .object({
    firstResponseMinutes: z.number().positive(),
    resolutionMinutes: z.number().positive(),
    /** `24x7`: wall-clock time; `business`: the team's schedule (routing, else the default); or a schedule's name. */
    clock: z.string().min(1),
  })
  .strict();

const legacyHours = z
  .object({
    days: z.array(z.number().int().min(1).max(7)).min(1),
    start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM'),
    end: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM'),
  })
  .strict()
  .refine((b) => b.start < b.end, 'start must be before end');

export const slaPolicyFileSchema = z
  .object({
    targets: z.partialRecord(z.enum(PRIORITIES), target).default({}),
    schedules: z.record(z.string(), scheduleSchema).default({}),
    /** The schedule of tickets no routing rule picks one for. */
    defaultSchedule: scheduleName.default(TEAM_CLOCK),
    routing: z.array(routeSchema).max(100).default([]),
    /** The earlier one-window form of the default schedule: `{ days: [1..5], start, end }`. */
    businessHours: legacyHours.optional(),
    /** With `businessHours`: the default schedule's holidays. */
    holidays: z.array(isoDate).optional(),
    /** Fraction of a target after which the assignee is warned. */
    warnAt: z.number().gt(0).lt(1).default(0.75),
  })
  .strict()
  .superRefine((p, ctx) => {
    const issue = (path: Array<string | number>, message: string) => ctx.addIssue({ code: 'custom', path, message });
    const names = new Set([...Object.keys(p.schedules), TEAM_CLOCK]);
    for (const n of Object.keys(p.schedules)) {
      if (!NAME.test(n) && n !== WALL_CLOCK_NAME)
        issue(['schedules', n], 'must be a lower-case name (letters, digits, - and _; at most 40)');
    }
    if (names.has(WALL_CLOCK_NAME))
      issue(['schedules', WALL_CLOCK_NAME], '24x7 is the built-in wall clock; give the schedule another name');
    if ((p.businessHours || p.holidays) && p.schedules[TEAM_CLOCK]) {
      issue(
        [p.businessHours ? 'businessHours' : 'holidays'],
        'give either businessHours and holidays or schedules.business, not both',
      );
    }
    const known = (n: string) => names.has(n) || n === WALL_CLOCK_NAME;
    if (!known(p.defaultSchedule) || p.defaultSchedule === WALL_CLOCK_NAME)
      issue(['defaultSchedule'], `no schedule named ${p.defaultSchedule}`);
    for (const [priority, t] of Object.entries(p.targets)) {
      if (t && !known(t.clock))
        issue(['targets', priority, 'clock'], `must be 24x7, business or a schedule's name (${[...names].join(', ')})`);
    }
    p.routing.forEach(
      (r, i) => known(r.schedule) || issue(['routing', i, 'schedule'], `no schedule named ${r.schedule}`),
    );
  });

export type SlaPolicyFile = z.input<typeof slaPolicyFileSchema>;
type TargetDef = z.infer<typeof target>;

export interface SlaPolicy {
  /** Identity of the policy's content: a ticket remembers which policy its time was counted under. */
  id: string;
  targets: Record<Priority, TargetDef>;
  warnAt: number;
  /** SUPPORT_TIMEZONE: reports, summaries and schedules without a zone of their own. */
  timeZone: string;
  defaultSchedule: string;
  routing: Route[];
  /** Every schedule by name, and `24x7`. */
  clocks: ReadonlyMap<string, BusinessClock>;
  /** The default schedule's holidays (the daily summary skips them). */
  holidays: string[];
  schedules: Record<string, ScheduleDef>;
  /** The file's contents it was built from (kept with the policy's history). */
  source: unknown;
  /**
   * Every policy this deployment has run, oldest first, the current one last, each from when it took effect
   * (src/domain/sla-policy-history.ts): time is counted under the policy in force when it ran.
   */
  history?: Array<{ policy: SlaPolicy; since: Date }>;
}

/** PRODUCT.md: Monday–Friday 09:00–17:00 in the team's time zone. */
const NINE_TO_FIVE: ScheduleInput = {
  hours: Object.fromEntries(WEEKDAYS.slice(0, 5).map((d) => [d, [['09:00', '17:00']]])),
};

/** PRODUCT.md's defaults: P0/P1 around the clock, P2/P3 in business hours; P3 resolution: 10 business days of 8 h. */
export const DEFAULT_TARGETS: Record<Priority, TargetDef> = {
  P0: { firstResponseMinutes: 15, resolutionMinutes: 4 * 60, clock: WALL_CLOCK_NAME },
  P1: { firstResponseMinutes: 2 * 60, resolutionMinutes: 8 * 60, clock: WALL_CLOCK_NAME },
  P2: { firstResponseMinutes: 4 * 60, resolutionMinutes: 48 * 60, clock: TEAM_CLOCK },
  P3: { firstResponseMinutes: 24 * 60, resolutionMinutes: 10 * 8 * 60, clock: TEAM_CLOCK },
};

/** A policy from a file's contents (or nothing: every default), validated; `source` names it in errors. */
export function buildSlaPolicy(raw: unknown, timeZone: string, source = 'the SLA policy'): SlaPolicy {
  const file = validFile('SLA_POLICY_FILE', source, slaPolicyFileSchema, raw ?? {});
  const legacy = file.businessHours
    ? legacyToSchedule(file.businessHours, file.holidays ?? [])
    : file.holidays
      ? { ...NINE_TO_FIVE, holidays: file.holidays }
      : NINE_TO_FIVE;
  const schedules: Record<string, ScheduleDef> = { [TEAM_CLOCK]: scheduleSchema.parse(legacy), ...file.schedules };
  const clocks = new Map<string, BusinessClock>([[WALL_CLOCK_NAME, wallClock(timeZone)]]);
  for (const [name, def] of Object.entries(schedules))
    clocks.set(name, new ScheduleClock(compileSchedule(name, def, timeZone)));
  const targets = { ...DEFAULT_TARGETS, ...file.targets } as Record<Priority, TargetDef>;
  const content = {
    targets,
    schedules,
    defaultSchedule: file.defaultSchedule,
    routing: file.routing,
    warnAt: file.warnAt,
    timeZone,
  };
  return {
    id: createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 16),
    targets,
    warnAt: file.warnAt,
    timeZone,
    defaultSchedule: file.defaultSchedule,
    routing: file.routing,
    clocks,
    holidays: schedules[file.defaultSchedule]?.holidays ?? [],
    schedules,
    source: raw ?? {},
  };
}

/** Reads SLA_POLICY_FILE (any part of a policy, over the defaults); a bad file stops the start naming every problem. */
export function loadSlaPolicy(file: string | undefined, timeZone: string): SlaPolicy {
  return buildSlaPolicy(file ? readJsonFile('SLA_POLICY_FILE', file) : undefined, timeZone, file);
}

export function defaultSlaPolicy(timeZone = 'UTC'): SlaPolicy {
  return buildSlaPolicy(undefined, timeZone);
}

function legacyToSchedule(b: z.infer<typeof legacyHours>, holidays: string[]): ScheduleInput {
  return { hours: Object.fromEntries(b.days.map((d) => [WEEKDAYS[d - 1]!, [[b.start, b.end]]])), holidays };
}

/** The clock a named schedule runs on; an unknown name (a schedule since removed) falls back to the default. */
export function clockNamed(policy: SlaPolicy, name: string | null | undefined): BusinessClock {
  return (name && policy.clocks.get(name)) || policy.clocks.get(policy.defaultSchedule)!;
}

/**
 * The schedule a target of `priority` runs on for a ticket whose team schedule is `team`: the priority's own
 * (`24x7`, a named schedule) or, for `business`, the team's.
 */
export function scheduleFor(policy: SlaPolicy, priority: Priority, team: string | null | undefined): string {
  const clock = policy.targets[priority].clock;
  if (clock !== TEAM_CLOCK) return clock;
  return team && policy.clocks.has(team) ? team : policy.defaultSchedule;
}

/** "15 min", "4 h", "24 h (business hours)", "10 business days": how a target reads on a card or in an email. */
export function formatTarget(minutes: number, business: boolean, dayHours = 8): string {
  const day = dayHours * 60;
  if (business && day > 0 && minutes % day === 0 && minutes / day >= 10) return `${minutes / day} business days`;
  const label =
    minutes < 60 ? `${minutes} min` : minutes % 60 === 0 ? `${minutes / 60} h` : `${(minutes / 60).toFixed(1)} h`;
  return business ? `${label} (business hours)` : label;
}

export function describeTargets(
  policy: SlaPolicy,
  priority: Priority,
  team?: string | null,
): { firstResponse: string; resolution: string; schedule: string } {
  const t = policy.targets[priority];
  const schedule = scheduleFor(policy, priority, team);
  const business = schedule !== WALL_CLOCK_NAME;
  const dayHours = business ? hoursPerDay(policy.schedules[schedule]!) : 24;
  return {
    firstResponse: formatTarget(t.firstResponseMinutes, business, dayHours),
    resolution: formatTarget(t.resolutionMinutes, business, dayHours),
    schedule,
  };
}
