import type { AppContext } from '../../context.js';
import { DeliveryKinds, OnceKeys } from '../../db/once-keys.js';
import { recordUpdateOnTickets, resolveAffectedTickets } from '../../domain/incidents/fan-out.js';
import type { UpdateData } from '../../domain/incidents/updates.js';
import type { Actor } from '../../domain/tickets.js';
import { allClearMessage, incidentUpdateMessage } from '../../../views/incident-update.js';
import { postMessageOnce } from '../post-once.js';
import { incidentView } from './open.js';
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

  if (incident.channel?.id && !incident.archive?.doneAt) {
    await postMessageOnce(ctx.cards, {
      key: OnceKeys.incidentUpdate(eventId),
      kind: DeliveryKinds.incidentUpdate,
      ticketId: incident.ticketId,
      at: ctx.clock.now(),
      ...(job ? { job } : {}),
      channel: incident.channel.id,
      ...incidentUpdateMessage(incident, d, { by: actor.id ?? null }),
      eventType: UPDATE_EVENT_TYPE,
      payload: { incident_id: incidentId, event_id: eventId },
      since: event.at,
    });
  }
  await recordUpdateOnTickets(ctx, incident, eventId, actor, d);
  await refreshIncident(ctx, incidentId);

  if (d.resolution) {
    const ticket = await ctx.models.Ticket.findById(incident.ticketId);
    const cardLink = ticket ? await cardLinkOf(ctx, ticket) : undefined;
    await postMessageOnce(ctx.cards, {
      key: OnceKeys.incidentAllClear(eventId),
      kind: DeliveryKinds.incidentAllClear,
      ticketId: incident.ticketId,
      at: ctx.clock.now(),
      ...(job ? { job } : {}),
      channel: ctx.config.SUPPORT_CHANNEL_ID,
      ...allClearMessage(incidentView(incident), d, { resolvedAt: incident.resolvedAt ?? event.at, ...(incident.report?.dueAt ? { reportDueAt: incident.report.dueAt } : {}), ...(cardLink ? { cardLink } : {}) }),
      eventType: ALL_CLEAR_EVENT_TYPE,
      payload: { incident_id: incidentId, event_id: eventId },
      since: event.at,
    });
    if (ctx.incidents.pagerDuty) await ctx.effects.pagerDuty(incidentId, 'resolve');
    await resolveAffectedTickets(ctx, incident, eventId, actor, d);
  }
  await ctx.models.Incident.updateOne({ _id: incident._id, 'timeline._id': event._id }, { $set: { 'timeline.$.done': true }, $inc: { __v: 1 } });
}
