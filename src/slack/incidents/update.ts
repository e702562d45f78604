import type { AppContext } from '../../context.js';
import { DeliveryKinds, OnceKeys } from '../../db/once-keys.js';
import { recordUpdateOnTickets, resolveAffectedTickets } from '../../domain/incidents/fan-out.js';
import { reopenings } from '../../domain/incidents/changes.js';
import type { UpdateData } from '../../domain/incidents/updates.js';
import type { Actor } from '../../domain/types.js';
import { allClearMessage, incidentUpdateMessage } from '../../../views/incident-update.js';
import { postMessageOnce } from '../post-once.js';
import { incidentView } from './view.js';
import { cardLinkOf, refreshIncident } from './refresh.js';

export const UPDATE_EVENT_TYPE = 'deskbell_incident_update';
export const ALL_CLEAR_EVENT_TYPE = 'deskbell_incident_all_clear';

/**
 * Everything one status update (or resolution) calls for, each step once however often the job runs: the
 * update in the war room, the incident ticket's thread in #support (and the mails to the affected
 * requesters, on their own tickets), the topic and brief; for a resolution also the all-clear in #support,
 * PagerDuty `resolve` and the linked tickets' resolutions. The event is then marked done, so the clock sweep
 * stops re-asking for it.
 */
export async function publishIncidentUpdate(ctx: AppContext, incidentId: string, eventId: string, job?: { name: string; data: Record<string, string> }): Promise<void> {
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
      ctx.logger.warn({ err, incident: incident.key, step: what }, 'an incident update step failed; the job retries it');
      failures.push(err);
    }
  };
  if (incident.channel?.id && !incident.archive?.doneAt) {
    const room = incident.channel.id;
    await step('war room', () =>
      postMessageOnce(ctx, {
        key: OnceKeys.incidentUpdate(eventId),
        kind: DeliveryKinds.incidentUpdate,
        ticketId: incident.ticketId,
        at: ctx.clock.now(),
        ...(job ? { job } : {}),
        channel: room,
        ...incidentUpdateMessage(incident, d, { by: actor.id ?? null }),
        eventType: UPDATE_EVENT_TYPE,
        payload: { incident_id: incidentId, event_id: eventId },
        since: event.at,
      }),
    );
  }
  await step('tickets', () => recordUpdateOnTickets(ctx, incident, eventId, actor, d));
  await step('topic and brief', () => refreshIncident(ctx, incidentId));

  if (d.resolution) {
    await step('all-clear', async () => {
      const ticket = await ctx.models.Ticket.findById(incident.ticketId);
      const cardLink = ticket ? await cardLinkOf(ctx, ticket) : undefined;
      await postMessageOnce(ctx, {
        key: OnceKeys.incidentAllClear(eventId),
        kind: DeliveryKinds.incidentAllClear,
        ticketId: incident.ticketId,
        at: ctx.clock.now(),
        ...(job ? { job } : {}),
        channel: ctx.supportChannel,
        ...allClearMessage(incidentView(incident), d, { resolvedAt: incident.resolvedAt ?? event.at, ...(incident.report?.dueAt ? { reportDueAt: incident.report.dueAt } : {}), ...(cardLink ? { cardLink } : {}) }),
        eventType: ALL_CLEAR_EVENT_TYPE,
        payload: { incident_id: incidentId, event_id: eventId },
        since: event.at,
      });
    });
    if (ctx.incidents.pagerDuty) await step('PagerDuty', () => ctx.effects.pagerDuty(incidentId, 'resolve', reopenings(incident, eventId)));
    await step('linked tickets', () => resolveAffectedTickets(ctx, incident, eventId, actor, d));
  }
  if (failures.length) throw failures[0];
  await ctx.models.Incident.updateOne({ _id: incident._id, 'timeline._id': event._id }, { $set: { 'timeline.$.done': true }, $inc: { __v: 1 } });
}
