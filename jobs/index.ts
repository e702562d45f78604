import type { Agenda } from 'agenda';
import type { AppContext } from '../src/context.js';
import { defineDeliveryJobs } from './delivery.js';
import { JobNames } from './names.js';
import { defineReconcileJob } from './reconcile.js';

/** Defines every Agenda job; one file a topic. */
export function defineJobs(agenda: Agenda, ctx: AppContext): void {
  defineDeliveryJobs(agenda, ctx);
  defineReconcileJob(agenda, ctx);
}

/** Creates the recurring jobs once the scheduler runs (`every` keeps one job per name across processes). */
export async function scheduleRecurringJobs(agenda: Agenda, ctx: AppContext): Promise<void> {
  void ctx;
  await agenda.every('1 minute', JobNames.reconcile);
}
