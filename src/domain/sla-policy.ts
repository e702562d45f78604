import { readJsonFile, validFile } from './settings-file.js';
import { z } from 'zod';
import { PRIORITIES, type Priority } from './types.js';

const target = z.object({
  firstResponseMinutes: z.number().positive(),
  resolutionMinutes: z.number().positive(),
  /** `24x7`: wall-clock time; `business`: only business hours count. */
  clock: z.enum(['24x7', 'business']),
});

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM');

export const slaPolicySchema = z
  .object({
    targets: z.record(z.enum(PRIORITIES), target),
    businessHours: z
      .object({
        /** ISO weekdays, 1 = Monday … 7 = Sunday. */
        days: z.array(z.number().int().min(1).max(7)).min(1),
        start: hhmm,
        end: hhmm,
      })
      .refine((b) => b.start < b.end, 'start must be before end'),
    /** Dates (YYYY-MM-DD, team time zone) on which the business clock stands still. */
    holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')).default([]),
    /** Fraction of a target after which the assignee is warned. */
    warnAt: z.number().gt(0).lt(1).default(0.75),
  })
  .strict();

export type SlaPolicy = z.infer<typeof slaPolicySchema> & { timeZone: string };

/** PRODUCT.md's defaults: P3 resolution is 10 business days of 8 hours. */
export const DEFAULT_SLA_POLICY: Omit<SlaPolicy, 'timeZone'> = {
  targets: {
    P0: { firstResponseMinutes: 15, resolutionMinutes: 4 * 60, clock: '24x7' },
    P1: { firstResponseMinutes: 2 * 60, resolutionMinutes: 8 * 60, clock: '24x7' },
    P2: { firstResponseMinutes: 4 * 60, resolutionMinutes: 48 * 60, clock: 'business' },
    P3: { firstResponseMinutes: 24 * 60, resolutionMinutes: 10 * 8 * 60, clock: 'business' },
  },
  businessHours: { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' },
  holidays: [],
  warnAt: 0.75,
};

/** Reads SLA_POLICY_FILE (a whole policy or any part of it, merged over the defaults); invalid files stop the start. */
export function loadSlaPolicy(file: string | undefined, timeZone: string): SlaPolicy {
  if (!file) return { ...DEFAULT_SLA_POLICY, timeZone };
  const raw = readJsonFile('SLA_POLICY_FILE', file) as Record<string, unknown>;
  const merged = {
    ...DEFAULT_SLA_POLICY,
    ...raw,
    targets: { ...DEFAULT_SLA_POLICY.targets, ...(raw.targets as object | undefined) },
  };
  return { ...validFile('SLA_POLICY_FILE', file, slaPolicySchema, merged), timeZone };
}

/** "15 min", "4 h", "24 h (business hours)", "10 business days": how a target reads on a card or in an email. */
export function formatTarget(minutes: number, clock: '24x7' | 'business', hoursPerDay = 8): string {
  const day = hoursPerDay * 60;
  if (clock === 'business' && minutes % day === 0 && minutes / day >= 10) return `${minutes / day} business days`;
  const label = minutes < 60 ? `${minutes} min` : minutes % 60 === 0 ? `${minutes / 60} h` : `${(minutes / 60).toFixed(1)} h`;
  return clock === 'business' ? `${label} (business hours)` : label;
}

export function describeTargets(policy: Pick<SlaPolicy, 'targets' | 'businessHours'>, priority: Priority): { firstResponse: string; resolution: string } {
  const t = policy.targets[priority];
  const [sh, sm] = policy.businessHours.start.split(':').map(Number) as [number, number];
  const [eh, em] = policy.businessHours.end.split(':').map(Number) as [number, number];
  const hoursPerDay = (eh * 60 + em - (sh * 60 + sm)) / 60;
  return { firstResponse: formatTarget(t.firstResponseMinutes, t.clock, hoursPerDay), resolution: formatTarget(t.resolutionMinutes, t.clock, hoursPerDay) };
}
