import type { Agenda } from 'agenda';
import type { AppContext } from '../src/context.js';
import type { ClockKind } from '../src/domain/incidents/clock.js';
import { sweepIncidentClocks } from '../src/domain/incidents/clock.js';
import { sweepPaging } from '../src/domain/incidents/paging.js';
import { sendPagerDutyEvent } from '../src/pagerduty/events.js';
import { openIncident } from '../src/slack/incidents/open.js';
import { postIncidentNote, sendPage } from '../src/slack/incidents/page.js';
import { refreshIncident } from '../src/slack/incidents/refresh.js';
import { sendIncidentReminder } from '../src/slack/incidents/reminders.js';
import { publishIncidentReport } from '../src/slack/incidents/report.js';
import { publishIncidentUpdate } from '../src/slack/incidents/update.js';
import { SlackPriority, withSlackPriority } from '../src/slack/channel-queue.js';
import { deliveryBackoff } from './delivery.js';
import { JobNames } from './names.js';

/** How often the paging sweep looks for unacknowledged pages: well inside the shortest paging interval. */
export function pagingSweepMs(ctx: Pick<AppContext, 'incidents'>): number {
  return Math.max(1000, Math.min(30_000, Math.floor(Math.min(ctx.incidents.pageRepeatMs, ctx.incidents.pageEscalateMs) / 3)));
}

/** How often the clock sweep runs: within a sixth of the update cadence (a reminder comes at most 5 minutes early), 1–30 s. */
export function clockSweepMs(ctx: Pick<AppContext, 'incidents'>): number {
  const s = ctx.incidents;
  return Math.max(1000, Math.min(30_000, Math.floor(Math.min(s.updateMs / 6, s.monitorMs / 3, s.reportMs / 8))));
}

/** P0 incidents: the first minute, pages, war-room notes, topic/brief refreshes, PagerDuty, updates, reminders, reports; each retried with backoff. */
export function defineIncidentJobs(realAgenda: Agenda, ctx: AppContext): void {
  // Everything an incident sends is P0 for the channel queues: it never waits behind ticket cards.
  const agenda = {
    define: <T>(name: string, fn: (j: { attrs: { data: T } }) => Promise<unknown>, opts?: object) =>
      realAgenda.define<T>(name, async (j) => void (await withSlackPriority(SlackPriority.P0, async () => fn(j as never))), opts as never),
  };
  const options = { backoff: deliveryBackoff(ctx), concurrency: 8, removeOnComplete: true };
  const job = (name: string, data: Record<string, string>) => ({ name, data });
  agenda.define<{ incidentId: string }>(JobNames.incidentOpen, async (j) => openIncident(ctx, j.attrs.data.incidentId), options);
  agenda.define<{ incidentId: string; eventId: string }>(JobNames.incidentPage, async (j) => sendPage(ctx, j.attrs.data.incidentId, j.attrs.data.eventId), options);
  agenda.define<{ incidentId: string; eventId: string }>(JobNames.incidentNote, async (j) => postIncidentNote(ctx, j.attrs.data.incidentId, j.attrs.data.eventId), options);
  agenda.define<{ incidentId: string }>(JobNames.incidentRefresh, async (j) => refreshIncident(ctx, j.attrs.data.incidentId), options);
  agenda.define<{ incidentId: string; action: 'trigger' | 'acknowledge' | 'resolve' }>(
    JobNames.pagerDuty,
    async (j) => sendPagerDutyEvent(ctx, j.attrs.data.incidentId, j.attrs.data.action),
    { ...options, concurrency: 4 },
  );
  agenda.define<{ incidentId: string; eventId: string }>(
    JobNames.incidentUpdate,
    async (j) => publishIncidentUpdate(ctx, j.attrs.data.incidentId, j.attrs.data.eventId, job(JobNames.incidentUpdate, j.attrs.data)),
    options,
  );
  agenda.define<{ incidentId: string; kind: ClockKind; at: string; round: string }>(
    JobNames.incidentReminder,
    async (j) => sendIncidentReminder(ctx, j.attrs.data.incidentId, j.attrs.data.kind, new Date(j.attrs.data.at), Number(j.attrs.data.round), job(JobNames.incidentReminder, j.attrs.data)),
    options,
  );
  agenda.define<{ incidentId: string; revision: string }>(
    JobNames.incidentReport,
    async (j) => publishIncidentReport(ctx, j.attrs.data.incidentId, Number(j.attrs.data.revision), job(JobNames.incidentReport, j.attrs.data)),
    { ...options, concurrency: 2 },
  );
  agenda.define(JobNames.pagingSweep, async () => void (await sweepPaging(ctx)), { concurrency: 1 });
  agenda.define(JobNames.incidentClockSweep, async () => void (await sweepIncidentClocks(ctx)), { concurrency: 1 });
}

export async function scheduleIncidentJobs(agenda: Agenda, ctx: AppContext): Promise<void> {
  await agenda.every(pagingSweepMs(ctx), JobNames.pagingSweep);
  await agenda.every(clockSweepMs(ctx), JobNames.incidentClockSweep);
}
