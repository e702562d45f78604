import type { Agenda } from 'agenda';
import type { AppContext } from '../src/context.js';
import { reconcileOutbox } from '../src/flows/reconcile.js';
import { JobNames } from './names.js';

/** The once-a-minute safety net (src/flows/reconcile.ts); it says it is alive between pages. */
export function defineReconcileJob(agenda: Agenda, ctx: AppContext): void {
  agenda.define(JobNames.reconcile, async (job) => reconcileOutbox(ctx, () => job.touch()), {
    concurrency: 1,
    lockLifetime: 10 * 60_000,
  });
}
