import type { Agenda } from 'agenda';
import type { AppContext } from '../src/context.js';
import type { ClockKind } from '../src/domain/incidents/clock.js';
import { sweepIncidentClocks } from '../src/domain/incidents/clock.js';
import { sweepPaging } from '../src/domain/incidents/paging.js';
import { sendPagerDutyEvent } from '../src/pagerduty/events.js';
import { openIncident } from '../src/flows/open-incident.js';
import { postIncidentNote, sendPage } from '../src/slack/incidents/page.js';
import { refreshIncident } from '../src/slack/incidents/refresh.js';
import { sendIncidentReminder } from '../src/flows/incident-reminder.js';
import { publishIncidentReport } from '../src/flows/incident-report.js';
import { publishIncidentUpdate } from '../src/flows/incident-update.js';
import { SlackPriority, withSlackPriority } from '../src/slack/channel-queue.js';
import { deliveryBackoff } from './delivery.js';
import { JobNames } from './names.js';

/**
 * How often the incident sweep runs: a third of the shortest paging interval, and a sixth of the update
 * cadence (a reminder comes at most 5 minutes early), between 1 and 30 s.
 */
export function incidentSweepMs(ctx: Pick<AppContext, 'incidents'>): number {
  const s = ctx.incidents;
  return Math.max(1000, Math.min(30_000, Math.floor(Math.min(s.pageRepeatMs / 3, s.pageEscalateMs / 3, s.updateMs / 6, s.monitorMs / 3, s.reportMs / 8))));
}

type WorkData =
  | { what: 'update'; incidentId: string; eventId: string }
  | { what: 'reminder'; incidentId: string; kind: ClockKind; at: string; round: string }
  | { what: 'report'; incidentId: string; revision: string };

/** P0 incidents: the first minute, pages, war-room notes, topic/brief refreshes, PagerDuty, updates, reminders, reports; each retried with backoff. */
export function defineIncidentJobs(realAgenda: Agenda, ctx: AppContext): void {
  // Everything an incident sends is P0 for the channel queues: it never waits behind ticket cards.
  const agenda = {
    define: <T>(name: string, fn: (j: { attrs: { data: T } }) => Promise<unknown>, opts?: object) =>
      realAgenda.define<T>(name, async (j) => void (await withSlackPriority(SlackPriority.P0, async () => fn(j as never))), opts as never),
  };
  const options = { backoff: deliveryBackoff(ctx), concurrency: 8, removeOnComplete: true };
  agenda.define<{ incidentId: string }>(JobNames.incidentOpen, async (j) => openIncident(ctx, j.attrs.data.incidentId), options);
  agenda.define<{ incidentId: string; eventId: string }>(JobNames.incidentPage, async (j) => sendPage(ctx, j.attrs.data.incidentId, j.attrs.data.eventId), options);
  agenda.define<{ incidentId: string; eventId: string }>(JobNames.incidentNote, async (j) => postIncidentNote(ctx, j.attrs.data.incidentId, j.attrs.data.eventId), options);
  agenda.define<{ incidentId: string }>(JobNames.incidentRefresh, async (j) => refreshIncident(ctx, j.attrs.data.incidentId), options);
  agenda.define<{ incidentId: string; action: 'trigger' | 'acknowledge' | 'resolve'; round?: string }>(
    JobNames.pagerDuty,
    async (j) => sendPagerDutyEvent(ctx, j.attrs.data.incidentId, j.attrs.data.action, Number(j.attrs.data.round ?? 0)),
    { ...options, concurrency: 4 },
  );
  agenda.define<WorkData>(
    JobNames.incidentWork,
    async (j) => {
      const d = j.attrs.data;
      // Recorded on the delivery, so the reconcile sweep can ask for this very work again.
      const job = { name: JobNames.incidentWork, data: d as unknown as Record<string, string> };
      if (d.what === 'update') await publishIncidentUpdate(ctx, d.incidentId, d.eventId, job);
      else if (d.what === 'reminder') await sendIncidentReminder(ctx, d.incidentId, d.kind, new Date(d.at), Number(d.round), job);
      else if (d.what === 'report') await publishIncidentReport(ctx, d.incidentId, Number(d.revision), job);
    },
    options,
  );
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
