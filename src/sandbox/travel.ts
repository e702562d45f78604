import type { DeskbellApp } from '../app.js';
import { JobNames } from '../../jobs/names.js';
import type { SandboxClock } from './clock.js';

/** The sweeps that look at the clock: run at once after a jump, as they would have run on the way. */
const SWEEPS = [JobNames.slaSweep, JobNames.incidentSweep, JobNames.autoClose];

/**
 * Moves the app's clock `ms` forward and runs, through the scheduler, what that time would have run: the SLA,
 * incident and auto-close sweeps, and each summary whose cron time (team time zone) was passed. A jump over
 * several days runs each summary once, for the day it lands on. Returns the jobs started.
 */
export async function travel(app: DeskbellApp, clock: SandboxClock, ms: number): Promise<string[]> {
  const { agenda, config } = app.context;
  const before = clock.now();
  clock.advance(ms);
  const after = clock.now();
  const crons = [
    { name: JobNames.dailySummary, cron: config.DAILY_SUMMARY_CRON },
    { name: JobNames.weeklyDigest, cron: config.WEEKLY_DIGEST_CRON },
  ];
  const passed = crons.filter(({ cron }) => {
    const next = nextOccurrence(app, cron, config.SUPPORT_TIMEZONE, before);
    return next !== undefined && next <= after;
  });
  const names = [...SWEEPS, ...passed.map((c) => c.name)];
  for (const name of names) await agenda.now(name);
  return names;
}

/** The first time after `from` that `cron` names in `timezone`, computed by Agenda's own repeat rules. */
export function nextOccurrence(app: DeskbellApp, cron: string, timezone: string, from: Date): Date | undefined {
  const probe = app.context.agenda.create('sandbox.cron-probe');
  probe.attrs.nextRunAt = from;
  probe.repeatEvery(cron, { timezone, skipImmediate: true });
  return probe.attrs.nextRunAt ?? undefined;
}
