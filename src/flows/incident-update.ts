import type { AppContext } from '../context.js';
import { reopenings } from '../domain/incidents/changes.js';
import { markUpdateDone } from '../domain/incidents/delivered.js';
import { recordUpdateOnTickets, resolveAffectedTickets } from '../domain/incidents/fan-out.js';
import type { UpdateData } from '../domain/incidents/updates.js';
import type { Actor } from '../domain/types.js';
import { refreshIncident } from '../slack/incidents/refresh.js';
import { postAllClear, postUpdateInWarRoom } from '../slack/incidents/update.js';

/**
 * Everything one status update (or resolution) calls for, each step once however often the job runs: the
 * update in the war room, the incident ticket's thread in #support (and the mails to the affected
 * requesters, on their own tickets), the topic and brief; for a resolution also the all-clear in #support,
 * PagerDuty `resolve` and the linked tickets' resolutions. The event is then marked done, so the clock sweep
 * stops re-asking for it.
 */
export async function publishIncidentUpdate(
  ctx: AppContext,
  incidentId: string,
  eventId: string,
  job?: { name: string; data: Record<string, string> },
): Promise<void> {
  const incident = await ctx.models.Incident.findById(incidentId);
  const event = incident?.timeline.find((e) => String(e._id) === eventId);
  if (!incident || !event || event.kind !== 'status_update') return;
  const d = event.data as UpdateData;
  const actor = event.actor as Actor;

  // Each step on its own: a war room Slack refuses must not keep the requesters' mails or the all-clear back.
  // A failed step fails the job after the others ran; its retry finds the finished steps done.
  const failures: unknown[] = [];
  const step = async (what: string, work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (err) {
      ctx.logger.warn(
        { err, incident: incident.key, step: what },
        'an incident update step failed; the effect retries it',
      );
      failures.push(err);
    }
  };
  const room = incident.channel?.id && !incident.archive?.doneAt ? incident.channel.id : undefined;
  if (room) await step('war room', () => postUpdateInWarRoom(ctx, incident, room, event, job));
  await step('tickets', () => recordUpdateOnTickets(ctx, incident, eventId, actor, d));
  await step('topic and brief', () => refreshIncident(ctx, incidentId));

  if (d.resolution) {
    await step('all-clear', () => postAllClear(ctx, incident, event, job));
    if (ctx.incidents.pagerDuty)
      await step('PagerDuty', () => ctx.effects.pagerDuty(incidentId, 'resolve', reopenings(incident, eventId)));
    await step('linked tickets', () => resolveAffectedTickets(ctx, incident, eventId, actor, d));
  }
  if (failures.length) throw failures[0];
  await markUpdateDone(ctx, incident._id, event._id);
}
