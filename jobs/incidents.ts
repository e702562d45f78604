import type { Agenda } from 'agenda';
import type { AppContext } from '../src/context.js';
import { sweepIncidentClocks } from '../src/domain/incidents/clock.js';
import { sweepPaging } from '../src/domain/incidents/paging.js';
import { JobNames } from './names.js';

/**
 * How often the incident sweep runs: a third of the shortest paging interval, and a sixth of the update
 * cadence (a reminder comes at most 5 minutes early), between 1 and 30 s.
 */
export function incidentSweepMs(ctx: Pick<AppContext, 'incidents'>): number {
  const s = ctx.incidents;
  return Math.max(
    1000,
    Math.min(
      30_000,
      Math.floor(Math.min(s.pageRepeatMs / 3, s.pageEscalateMs / 3, s.updateMs / 6, s.monitorMs / 3, s.reportMs / 8)),
    ),
  );
}

/** The incident sweep: paging repeats and escalations, and the incident clock. Their effects are immediate ones. */
export function defineIncidentJobs(agenda: Agenda, ctx: AppContext): void {
  agenda.define(
    JobNames.incidentSweep,
    async () => {
      await sweepPaging(ctx);
      await sweepIncidentClocks(ctx);
    },
    { concurrency: 1 },
  );
}

export async function scheduleIncidentJobs(agenda: Agenda, ctx: AppContext): Promise<void> {
  // Part 1 scheduled its paging sweep under this name; the incident sweep does that now.
  await agenda.cancel({ name: 'incident.paging-sweep' });
  await agenda.every(incidentSweepMs(ctx), JobNames.incidentSweep);
}
