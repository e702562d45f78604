import type { Agenda } from 'agenda';
import type { AppContext } from '../src/context.js';
import { sweepSla } from '../src/flows/sla-sweep.js';
import { JobNames } from './names.js';
import { everyOrExplain } from './schedule.js';

/**
 * The SLA sweep: one periodic job (Agenda keeps one document for it, so with several processes one of them
 * runs each round). The reminder DMs it asks for are effects in the delivery queue (src/delivery/).
 */
export function defineSlaJobs(agenda: Agenda, ctx: AppContext): void {
  agenda.define(JobNames.slaSweep, async (job) => void (await sweepSla(ctx, () => job.touch())), {
    concurrency: 1,
    lockLifetime: 10 * 60_000,
  });
}

/** SLA_SWEEP_INTERVAL ("1 minute", "30 seconds" or milliseconds). */
export async function scheduleSlaJobs(agenda: Agenda, ctx: AppContext): Promise<void> {
  await everyOrExplain(agenda, ctx.config.SLA_SWEEP_INTERVAL, JobNames.slaSweep, 'SLA_SWEEP_INTERVAL');
}
