import type { IncidentDoc } from '../../db/models/incident.js';
import type { TicketDoc } from '../../db/models/ticket.js';
import type { DomainDeps } from '../deps.js';
import { DomainError } from '../errors.js';
import { changeTicket } from '../ticket-changes.js';
import { OPEN_STATUSES, STATUS_LABELS, type Status, type Actor } from '../types.js';
import { changeIncident } from './changes.js';
import { incidentForLink } from './guards.js';

export interface LinkInput {
  ticketId: string;
  incidentId: string;
  actor: Actor;
  /** Identifies the request (click, form, command): a redelivery changes nothing. */
  requestKey: string;
  /**
   * Note the link on the incident's timeline and in its war room (default). A storm's "Link all" links
   * hundreds at once and notes them there once, as one event.
   */
  announce?: boolean;
}

/**
 * Links an open ticket to a live incident: the card shows the incident and its war room, the incident lists
 * the ticket and its requester, and the requester receives the incident's updates by mail. One write (the
 * ticket's); linking it again is harmless, linking it to another incident moves it. The incident's timeline
 * and war room note follow.
 */
export async function linkTicket(
  deps: DomainDeps,
  input: LinkInput,
): Promise<{ changed: boolean; ticket: TicketDoc; incident: IncidentDoc; movedFrom?: string }> {
  const incident = await incidentForLink(deps, input.incidentId);
  if (String(incident.ticketId) === input.ticketId)
    throw new DomainError(`That is ${incident.key}'s own ticket: it is part of the incident already.`);
  let movedFrom: { id: string; key: string } | undefined;
  const outcome = await changeTicket(
    deps,
    input.ticketId,
    { actor: input.actor, dedupeKey: `link:${input.requestKey}` },
    (ticket, record) => {
      const status = ticket.status as Status;
      if (!OPEN_STATUSES.includes(status))
        throw new DomainError(
          `${ticket.key} is ${STATUS_LABELS[status].toLowerCase()}: only open tickets can be linked to an incident.`,
        );
      if (ticket.incident?.id)
        throw new DomainError(`${ticket.key} has an incident of its own (${ticket.incident.key}).`);
      if (ticket.linkedIncident?.id && String(ticket.linkedIncident.id) === incident.id) return;
      movedFrom = ticket.linkedIncident?.id
        ? { id: String(ticket.linkedIncident.id), key: String(ticket.linkedIncident.key) }
        : undefined;
      ticket.set('linkedIncident', {
        id: incident._id,
        key: incident.key,
        channelId: incident.channel?.id ?? undefined,
      });
      record({
        kind: 'incident_linked',
        text: `Linked to incident ${incident.key} by {actor}${movedFrom ? ` (moved from ${movedFrom.key})` : ''}: the requester hears from the incident's updates`,
        data: { incident: incident.key, incidentId: incident.id, ...(movedFrom ? { from: movedFrom.key } : {}) },
        notify: true,
      });
    },
  );
  if (outcome.changed && input.announce !== false) {
    const eventId = String(outcome.events[0]!._id);
    // The incident's timeline is shown in the war room: the ticket's number only, its requester stays on the card.
    const about = { ticket: outcome.ticket.key, ticketId: outcome.ticket.id };
    await noteOnIncident(deps, incident.id, input.actor, `link:${eventId}`, { kind: 'ticket_linked', data: about });
    if (movedFrom)
      await noteOnIncident(deps, movedFrom.id, input.actor, `unlink:${eventId}`, {
        kind: 'ticket_unlinked',
        data: { ...about, to: incident.key },
      });
  }
  return {
    changed: outcome.changed,
    ticket: outcome.ticket,
    incident,
    ...(movedFrom ? { movedFrom: movedFrom.key } : {}),
  };
}

/** Unlinks a ticket from its incident (its requester no longer gets the incident's mails). */
export async function unlinkTicket(
  deps: DomainDeps,
  input: Omit<LinkInput, 'incidentId'>,
): Promise<{ changed: boolean; ticket: TicketDoc; incidentKey?: string }> {
  let from: { id: string; key: string } | undefined;
  const outcome = await changeTicket(
    deps,
    input.ticketId,
    { actor: input.actor, dedupeKey: `unlink:${input.requestKey}` },
    (ticket, record) => {
      if (!ticket.linkedIncident?.id) return;
      from = { id: String(ticket.linkedIncident.id), key: String(ticket.linkedIncident.key) };
      ticket.set('linkedIncident', undefined);
      record({
        kind: 'incident_unlinked',
        text: `Unlinked from incident ${from.key} by {actor}`,
        data: { incident: from.key, incidentId: from.id },
        notify: true,
      });
    },
  );
  if (outcome.changed && from) {
    const eventId = String(outcome.events[0]!._id);
    await noteOnIncident(deps, from.id, input.actor, `unlink:${eventId}`, {
      kind: 'ticket_unlinked',
      data: { ticket: outcome.ticket.key, ticketId: outcome.ticket.id },
    });
  }
  return { changed: outcome.changed, ticket: outcome.ticket, ...(from ? { incidentKey: from.key } : {}) };
}

/** Records a link change on the incident's timeline (once per ticket event), announced in the war room, brief refreshed. */
export async function noteOnIncident(
  deps: DomainDeps,
  incidentId: string,
  actor: Actor,
  dedupeKey: string,
  event: { kind: string; data: Record<string, unknown> },
): Promise<void> {
  const change = await changeIncident(deps, incidentId, { actor, dedupeKey }, (_incident, record) => record(event));
  if (!change.changed) return;
  await deps.effects.incidentNote(incidentId, String(change.events[0]!._id));
  await deps.effects.refreshIncident(incidentId);
}
