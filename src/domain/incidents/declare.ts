import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import { nextSequence } from '../../db/models/counter.js';
import { isDuplicateKeyError } from '../../db/models/idempotency-key.js';
import type { IncidentDoc } from '../../db/models/incident.js';
import type { DomainDeps } from '../deps.js';
import { DomainError } from '../errors.js';
import { changeTicket } from '../ticket-changes.js';
import type { Actor } from '../types.js';
import { reminderLeadMs } from './clock.js';
import { whoIsOnCall } from './on-call-now.js';
import { LIVE_STATUSES } from './queries.js';

export type DeclaredVia = 'card' | 'priority' | 'webhook' | 'command';

function liveLinkedIncident(deps: DomainDeps, id: unknown): Promise<IncidentDoc | null> {
  return id ? deps.models.Incident.findOne({ _id: id, status: { $in: [...LIVE_STATUSES] } }) : Promise.resolve(null);
}

/**
 * A ticket linked to a live incident is part of that emergency already: a P0 on it opens no second war room,
 * alert and page (unlinking it first makes it an incident of its own). Its thread says so, once.
 */
async function noteP0InIncident(
  deps: DomainDeps,
  input: { ticketId: string; actor: Actor },
  incident: IncidentDoc,
): Promise<void> {
  await changeTicket(
    deps,
    input.ticketId,
    { actor: input.actor, dedupeKey: `p0-in-incident:${incident.id}` },
    (_ticket, record) => {
      record({
        kind: 'p0_in_incident',
        text: `P0 set by {actor} on a ticket that is part of ${incident.key}: no second incident opened (unlink it from ${incident.key} to declare one of its own)`,
        data: { incident: incident.key, incidentId: incident.id },
        notify: true,
      });
    },
  );
}

export function incidentKey(n: number): string {
  return `INC-${n}`;
}

/** One incident per ticket: its `_id` follows from the ticket's, so racing declarations aim at one document. */
function incidentIdFor(ticketId: string): Types.ObjectId {
  return new Types.ObjectId(createHash('sha256').update(`incident:${ticketId}`).digest('hex').slice(0, 24));
}

/**
 * Declares the P0 incident of a ticket, once however it gets there (the card, a priority change, a webhook,
 * `/support incident`; double clicks, retries and several processes included). Stores the incident with its
 * roles (the declarer commands until someone takes over; for a declaration by a system, the on-call
 * primary does), links the ticket to it, and asks for the first minute's work: war room, alert, page,
 * PagerDuty. The incident is stored owing that work (`openOwedAt`), so the clock sweep asks for it again if
 * this process dies before asking. Asking again for an existing incident only re-asks for that work, which
 * happens once.
 */
export async function declareIncident(
  deps: DomainDeps,
  input: { ticketId: string; actor: Actor; via: DeclaredVia },
): Promise<{ incident: IncidentDoc; created: boolean }> {
  const existing = await deps.models.Incident.findOne({ ticketId: input.ticketId });
  if (existing) {
    await followUp(deps, existing);
    return { incident: existing, created: false };
  }
  const ticket = await deps.models.Ticket.findById(input.ticketId);
  if (!ticket) throw new DomainError('That ticket no longer exists.');
  const linked = await liveLinkedIncident(deps, ticket.linkedIncident?.id);
  if (linked) {
    await noteP0InIncident(deps, input, linked);
    return { incident: linked, created: false };
  }
  const now = deps.clock.now();
  const oncall = await whoIsOnCall(deps, now);
  const declarer = input.actor.type === 'user' ? input.actor.id : undefined;
  const number = await nextSequence(deps.models.Counter, 'incident', 0);
  let incident: IncidentDoc;
  try {
    incident = await deps.models.Incident.create({
      _id: incidentIdFor(ticket.id),
      number,
      key: incidentKey(number),
      ticketId: ticket._id,
      ticketKey: ticket.key,
      title: ticket.subject,
      status: 'active',
      declaredAt: now,
      declaredVia: input.via,
      openOwedAt: now,
      roles: {
        ...(declarer ? { declarer } : {}),
        ...((declarer ?? oncall.users[0]) ? { commander: declarer ?? oncall.users[0] } : {}),
        oncall: oncall.users,
        ...(oncall.usergroup ? { oncallUsergroup: oncall.usergroup } : {}),
        ...(oncall.secondary ? { secondary: oncall.secondary } : {}),
      },
      page: { round: -1, nextAt: now },
      // The first status update is due one cadence after the declaration.
      currentStatus: 'investigating',
      cadence: { dueAt: new Date(now.getTime() + deps.incidents.updateMs), intervalMs: deps.incidents.updateMs },
      clockAt: new Date(now.getTime() + deps.incidents.updateMs - reminderLeadMs(deps.incidents.updateMs)),
      timeline: [
        {
          at: now,
          actor: input.actor,
          kind: 'declared',
          data: { via: input.via, ticket: ticket.key, oncall: oncall.users, oncallUsergroup: oncall.usergroup },
        },
      ],
      createdAt: now,
      updatedAt: now,
    });
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
    const theirs = await deps.models.Incident.findOne({ ticketId: input.ticketId });
    if (!theirs) throw err;
    await followUp(deps, theirs);
    return { incident: theirs, created: false };
  }
  deps.logger.warn({ incident: incident.key, ticket: ticket.key, via: input.via }, 'P0 incident declared');
  await followUp(deps, incident);
  return { incident, created: true };
}

/** Links the ticket (card and thread show the incident) and asks for the first minute's work; all idempotent. */
async function followUp(deps: DomainDeps, incident: IncidentDoc): Promise<void> {
  await changeTicket(
    deps,
    String(incident.ticketId),
    { actor: { type: 'system', name: 'Deskbell' }, dedupeKey: `incident-declared:${incident.id}` },
    (ticket, record) => {
      if (ticket.incident?.id) return;
      ticket.incident = { id: incident._id, key: incident.key };
      if (ticket.priority !== 'P0') ticket.priority = 'P0';
      record({
        kind: 'incident_declared',
        text: `${incident.key} declared: war room, alert and page on their way`,
        data: { incident: incident.key },
        notify: true,
      });
    },
  );
  await deps.effects.openIncident(incident.id);
}
