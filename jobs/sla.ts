import type { Agenda } from 'agenda';
import type { AppContext } from '../src/context.js';
import { recordSweep, runSlaSweep, type SweepResult } from '../src/domain/sla-sweep.js';
import { SLA_NOTE_TEXTS } from '../views/sla-notes.js';
import { JobNames } from './names.js';
import { everyOrExplain } from './schedule.js';

/** One SLA sweep; records when it ran (for /healthz, whichever process ran it). Exported so tests and tools can run it on demand. */
export async function sweepSla(ctx: AppContext, onProgress?: () => Promise<void>): Promise<SweepResult> {
  const started = Date.now();
  const result = await runSlaSweep(ctx, { texts: SLA_NOTE_TEXTS, onProgress });
  await recordSweep(ctx.models, ctx.clock.now());
  if (result.checked) ctx.logger.info({ ...result, ms: Date.now() - started }, 'SLA sweep');
  return result;
}

/**
 * The SLA sweep: one periodic job (Agenda keeps one document for it, so with several processes one of them
 * runs each round). The reminder DMs it asks for are delivery jobs (jobs/delivery.ts).
 */
export function defineSlaJobs(agenda: Agenda, ctx: AppContext): void {
  agenda.define(JobNames.slaSweep, async (job) => void (await sweepSla(ctx, () => job.touch())), { concurrency: 1, lockLifetime: 10 * 60_000 });
}

/** SLA_SWEEP_INTERVAL ("1 minute", "30 seconds" or milliseconds). */
export async function scheduleSlaJobs(agenda: Agenda, ctx: AppContext): Promise<void> {
  await everyOrExplain(agenda, ctx.config.SLA_SWEEP_INTERVAL, JobNames.slaSweep, 'SLA_SWEEP_INTERVAL');
}
