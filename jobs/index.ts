import type { Agenda } from 'agenda';
import type { AppContext } from '../src/context.js';
import { AUTO_CLOSE_INTERVAL, defineAutoCloseJob } from './auto-close.js';
import { defineDeliveryJobs } from './delivery.js';
import { defineHomeJobs } from './home.js';
import { defineIncidentJobs, scheduleIncidentJobs } from './incidents.js';
import { JobNames } from './names.js';
import { defineReconcileJob } from './reconcile.js';
import { defineSlaJobs, scheduleSlaJobs } from './sla.js';
import { defineStormJobs } from './storms.js';
import { defineSummaryJobs, scheduleSummaryJobs } from './summaries.js';

/** Defines every Agenda job; one file a topic. */
export function defineJobs(agenda: Agenda, ctx: AppContext): void {
  defineDeliveryJobs(agenda, ctx);
  defineReconcileJob(agenda, ctx);
  defineHomeJobs(agenda, ctx);
  defineAutoCloseJob(agenda, ctx);
  defineSlaJobs(agenda, ctx);
  defineSummaryJobs(agenda, ctx);
  defineIncidentJobs(agenda, ctx);
  defineStormJobs(agenda, ctx);
}

/** Creates the recurring jobs once the scheduler runs (`every` keeps one job per name across processes). */
export async function scheduleRecurringJobs(agenda: Agenda, ctx: AppContext): Promise<void> {
  await agenda.every('1 minute', JobNames.reconcile);
  await agenda.every(AUTO_CLOSE_INTERVAL, JobNames.autoClose);
  await scheduleSlaJobs(agenda, ctx);
  await scheduleSummaryJobs(agenda, ctx);
  await scheduleIncidentJobs(agenda, ctx);
}
