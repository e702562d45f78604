import type { IncidentDoc } from '../../db/models/incident.js';
import type { TicketFields } from '../../db/models/ticket.js';
import type { DomainDeps } from '../deps.js';
import { DomainError } from '../errors.js';
import { findIncidentByKey, LIVE_STATUSES, linkedTickets, liveIncidents } from './queries.js';
import { incidentRow, type IncidentRow } from './overview.js';

/**
 * The incident forms' and buttons' guards: each rule stated once, refusing with a DomainError whose words
 * the listeners show (inside the modal before accepting it, or ephemerally after a click).
 */
export async function incidentById(deps: Pick<DomainDeps, 'models'>, incidentId: string): Promise<IncidentDoc> {
  const incident = await deps.models.Incident.findById(incidentId);
  if (!incident) throw new DomainError('That incident no longer exists.');
  return incident;
}

type Guarded = Pick<IncidentDoc, 'key' | 'status'> & { resolvedAt?: Date | null };

/** Why an incident takes no status update: none until it is resolved for good (monitoring included). */
export function updateRefusal(i: Guarded): string | undefined {
  return i.status === 'resolved' ? `${i.key} is resolved; its report is what is left to do.` : undefined;
}

/** Why an incident cannot be resolved: only an active one can (one in monitoring is closed or reopened). */
export function resolutionRefusal(i: Guarded): string | undefined {
  if (i.status === 'monitoring')
    return `${i.key} is already fixed and in monitoring: close it, or reopen it if the problem is back.`;
  return i.status === 'resolved' ? `${i.key} is already resolved.` : undefined;
}

/** Why the report cannot be written yet: it comes after the fix. */
export function reportRefusal(i: Guarded): string | undefined {
  return i.resolvedAt ? undefined : `${i.key} is not resolved yet: the report comes after the fix.`;
}

/** Why tickets cannot be linked: only to a live incident. */
export function linkRefusal(i: Guarded): string | undefined {
  return (LIVE_STATUSES as readonly string[]).includes(i.status)
    ? undefined
    : `${i.key} is resolved: link tickets to an active incident.`;
}

async function guarded(
  deps: Pick<DomainDeps, 'models'>,
  incidentId: string,
  refusal: (i: Guarded) => string | undefined,
): Promise<IncidentDoc> {
  const incident = await incidentById(deps, incidentId);
  const why = refusal(incident);
  if (why) throw new DomainError(why);
  return incident;
}

export const incidentForUpdate = (deps: Pick<DomainDeps, 'models'>, incidentId: string) =>
  guarded(deps, incidentId, updateRefusal);
export const incidentForResolution = (deps: Pick<DomainDeps, 'models'>, incidentId: string) =>
  guarded(deps, incidentId, resolutionRefusal);
export const incidentForReport = (deps: Pick<DomainDeps, 'models'>, incidentId: string) =>
  guarded(deps, incidentId, reportRefusal);
export const incidentForLink = (deps: Pick<DomainDeps, 'models'>, incidentId: string) =>
  guarded(deps, incidentId, linkRefusal);

/** What the card's "Link to incident" form offers: the live incidents other than the ticket's own. */
export async function linkChoices(deps: Pick<DomainDeps, 'models'>, ticketId: string) {
  const [ticket, incidents] = await Promise.all([
    deps.models.Ticket.findById(ticketId, { key: 1, subject: 1, linkedIncident: 1 }).lean(),
    liveIncidents(deps),
  ]);
  if (!ticket) throw new DomainError('That ticket no longer exists.');
  const choices = incidents
    .filter((i) => String(i.ticketId) !== ticketId)
    .map((i) => ({ id: String(i._id), key: i.key, title: i.title }));
  if (!choices.length)
    throw new DomainError(
      'No incident is active. Declare one with "Declare P0" on a card or `/support incident <title>`.',
    );
  return { ticket, choices, ...(ticket.linkedIncident?.id ? { current: String(ticket.linkedIncident.id) } : {}) };
}

type Listed = Pick<TicketFields, 'key' | 'subject' | 'status' | 'requester'>;

/** `/support incident INC-3`: the incident, its own ticket and the linked ones. */
export async function incidentDetail(
  deps: Pick<DomainDeps, 'models'>,
  key: string,
): Promise<{ row: IncidentRow; own?: Listed; linked: Listed[] }> {
  const incident = await findIncidentByKey(deps, key);
  if (!incident) throw new DomainError(`I can't find *${key.toUpperCase()}*. \`/support incidents\` lists them.`);
  const [row, own, linked] = await Promise.all([
    incidentRow(deps, incident.toObject()),
    deps.models.Ticket.findById(incident.ticketId).lean(),
    linkedTickets(deps, incident.id),
  ]);
  return { row, ...(own ? { own } : {}), linked };
}
