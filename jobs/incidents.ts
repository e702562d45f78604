import type { Agenda } from 'agenda';
import type { AppContext } from '../src/context.js';
import { sweepPaging } from '../src/domain/incidents/paging.js';
import { sendPagerDutyEvent } from '../src/pagerduty/events.js';
import { openIncident } from '../src/slack/incidents/open.js';
import { postIncidentNote, sendPage } from '../src/slack/incidents/page.js';
import { refreshIncident } from '../src/slack/incidents/refresh.js';
import { deliveryBackoff } from './delivery.js';
import { JobNames } from './names.js';

/** How often the paging sweep looks for unacknowledged pages: well inside the shortest paging interval. */
export function pagingSweepMs(ctx: Pick<AppContext, 'incidents'>): number {
  return Math.max(1000, Math.min(30_000, Math.floor(Math.min(ctx.incidents.pageRepeatMs, ctx.incidents.pageEscalateMs) / 3)));
}

/** P0 incidents: the first minute, pages, war-room notes, topic/brief refreshes, PagerDuty; each retried with backoff. */
export function defineIncidentJobs(agenda: Agenda, ctx: AppContext): void {
  const options = { backoff: deliveryBackoff(ctx), concurrency: 8, removeOnComplete: true };
  agenda.define<{ incidentId: string }>(JobNames.incidentOpen, async (j) => openIncident(ctx, j.attrs.data.incidentId), options);
  agenda.define<{ incidentId: string; eventId: string }>(JobNames.incidentPage, async (j) => sendPage(ctx, j.attrs.data.incidentId, j.attrs.data.eventId), options);
  agenda.define<{ incidentId: string; eventId: string }>(JobNames.incidentNote, async (j) => postIncidentNote(ctx, j.attrs.data.incidentId, j.attrs.data.eventId), options);
  agenda.define<{ incidentId: string }>(JobNames.incidentRefresh, async (j) => refreshIncident(ctx, j.attrs.data.incidentId), options);
  agenda.define<{ incidentId: string; action: 'trigger' | 'acknowledge' | 'resolve' }>(
    JobNames.pagerDuty,
    async (j) => sendPagerDutyEvent(ctx, j.attrs.data.incidentId, j.attrs.data.action),
    { ...options, concurrency: 4 },
  );
  agenda.define(JobNames.pagingSweep, async () => void (await sweepPaging(ctx)), { concurrency: 1 });
}

export async function scheduleIncidentJobs(agenda: Agenda, ctx: AppContext): Promise<void> {
  await agenda.every(pagingSweepMs(ctx), JobNames.pagingSweep);
}
