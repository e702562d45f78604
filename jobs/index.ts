import type { Agenda } from 'agenda';
import type { AppContext } from '../src/context.js';
import { AUTO_CLOSE_INTERVAL, defineAutoCloseJob } from './auto-close.js';
import { defineIncidentJobs, scheduleIncidentJobs } from './incidents.js';
import { JobNames } from './names.js';
import { defineReconcileJob } from './reconcile.js';
import { defineSlaJobs, scheduleSlaJobs } from './sla.js';
import { defineSummaryJobs, scheduleSummaryJobs } from './summaries.js';
import { defineFeedbackJobs, scheduleFeedbackJobs } from './feedback.js';

/** Job names earlier versions used for immediate effects. */
const RETIRED_JOB_NAMES = [
  'card.post',
  'card.update',
  'card.thread-note',
  'mail.send',
  'card.assignee-dm',
  'home.refresh',
  'sla.direct-message',
  'incident.open',
  'incident.page',
  'incident.note',
  'incident.refresh',
  'incident.pagerduty',
  'incident.work',
  'storm.card',
  'storm.action',
  'storm.note',
];

/** Defines every Agenda job; one file a topic. */
export function defineJobs(agenda: Agenda, ctx: AppContext): void {
  defineReconcileJob(agenda, ctx);
  defineAutoCloseJob(agenda, ctx);
  defineSlaJobs(agenda, ctx);
  defineSummaryJobs(agenda, ctx);
  defineIncidentJobs(agenda, ctx);
  defineFeedbackJobs(agenda, ctx);
}

/** Creates the recurring jobs once the scheduler runs (`every` keeps one job per name across processes). */
export async function scheduleRecurringJobs(agenda: Agenda, ctx: AppContext): Promise<void> {
  // Delivery jobs of earlier versions: their effects are in the delivery queue now (the reconcile sweep re-asks).
  await ctx.db.collection('agendaJobs').deleteMany({ name: { $in: RETIRED_JOB_NAMES } });
  await agenda.every('1 minute', JobNames.reconcile);
  await agenda.every(AUTO_CLOSE_INTERVAL, JobNames.autoClose);
  await scheduleSlaJobs(agenda, ctx);
  await scheduleSummaryJobs(agenda, ctx);
  await scheduleIncidentJobs(agenda, ctx);
  await scheduleFeedbackJobs(agenda, ctx);
}
