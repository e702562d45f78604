import type { AppContext } from '../../context.js';
import type { IncidentDoc } from '../../db/models/incident.js';
import { DeliveryKinds, OnceKeys } from '../../db/once-keys.js';
import type { UpdateData } from '../../domain/incidents/updates.js';
import { allClearMessage, incidentUpdateMessage } from '../../../views/incident-update.js';
import { postMessageOnce } from '../post-once.js';
import { cardLinkOf } from './refresh.js';
import { incidentView } from './view.js';

export const UPDATE_EVENT_TYPE = 'deskbell_incident_update';
export const ALL_CLEAR_EVENT_TYPE = 'deskbell_incident_all_clear';

type Job = { name: string; data: Record<string, string> };
type Event = IncidentDoc['timeline'][number];

/** One status update in the war room, once. */
export async function postUpdateInWarRoom(
  ctx: AppContext,
  incident: IncidentDoc,
  room: string,
  event: Event,
  job?: Job,
) {
  const d = event.data as UpdateData;
  return postMessageOnce(ctx, {
    key: OnceKeys.incidentUpdate(String(event._id)),
    kind: DeliveryKinds.incidentUpdate,
    ticketId: incident.ticketId,
    at: ctx.clock.now(),
    ...(job ? { job } : {}),
    channel: room,
    ...incidentUpdateMessage(incident, d, { by: (event.actor as { id?: string } | undefined)?.id ?? null }),
    eventType: UPDATE_EVENT_TYPE,
    payload: { incident_id: incident.id, event_id: String(event._id) },
    since: event.at,
  });
}

/** The all-clear of a resolution in #support, once. */
export async function postAllClear(ctx: AppContext, incident: IncidentDoc, event: Event, job?: Job) {
  const ticket = await ctx.models.Ticket.findById(incident.ticketId);
  const cardLink = ticket ? await cardLinkOf(ctx, ticket) : undefined;
  const when = {
    resolvedAt: incident.resolvedAt ?? event.at,
    ...(incident.report?.dueAt ? { reportDueAt: incident.report.dueAt } : {}),
  };
  return postMessageOnce(ctx, {
    key: OnceKeys.incidentAllClear(String(event._id)),
    kind: DeliveryKinds.incidentAllClear,
    ticketId: incident.ticketId,
    at: ctx.clock.now(),
    ...(job ? { job } : {}),
    channel: ctx.supportChannel,
    ...allClearMessage(incidentView(incident), event.data as UpdateData, {
      ...when,
      ...(cardLink ? { cardLink } : {}),
    }),
    eventType: ALL_CLEAR_EVENT_TYPE,
    payload: { incident_id: incident.id, event_id: String(event._id) },
    since: event.at,
  });
}
