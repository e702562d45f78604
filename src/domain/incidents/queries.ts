import type { IncidentDoc } from '../../db/models/incident.js';
import type { TicketDoc } from '../../db/models/ticket.js';
import type { DomainDeps } from '../deps.js';

/*
 * Read-only questions about incidents, apart from the writes in links.ts and declare.ts: the guards, the
 * lists and the adapters ask them without importing a module that writes (and without an import circle).
 */

/** An incident that tickets can still be linked to and that is still being worked on. */
export const LIVE_STATUSES = ['active', 'monitoring'] as const;

export function findIncidentByKey(deps: Pick<DomainDeps, 'models'>, key: string): Promise<IncidentDoc | null> {
  const m = /^INC-(\d{1,9})$/i.exec(key.trim());
  return m ? deps.models.Incident.findOne({ number: Number(m[1]) }) : Promise.resolve(null);
}

/** The incident whose war room `channel` is (for commands typed there). */
export function incidentOfChannel(deps: Pick<DomainDeps, 'models'>, channel: string): Promise<IncidentDoc | null> {
  return deps.models.Incident.findOne({ 'channel.id': channel });
}

export function liveIncidents(deps: Pick<DomainDeps, 'models'>, limit = 100) {
  return deps.models.Incident.find({ status: { $in: [...LIVE_STATUSES] } })
    .sort({ declaredAt: -1 })
    .limit(limit)
    .lean();
}

/** The tickets linked to an incident (not its own ticket), oldest first. The tickets are the one record of a link. */
export function linkedTickets(deps: Pick<DomainDeps, 'models'>, incidentId: string) {
  return deps.models.Ticket.find({ 'linkedIncident.id': incidentId }).sort({ number: 1 });
}

/**
 * Every ticket whose requester hears from the incident: its own ticket (unless it was opened with
 * `/support incident`, which has no customer behind it) and the linked ones.
 */
export async function affectedTickets(
  deps: Pick<DomainDeps, 'models'>,
  incident: Pick<IncidentDoc, 'id' | 'ticketId' | 'declaredVia'>,
): Promise<TicketDoc[]> {
  const own = incident.declaredVia === 'command' ? null : await deps.models.Ticket.findById(incident.ticketId);
  return [...(own ? [own] : []), ...(await linkedTickets(deps, incident.id))];
}

/** The key of the incident declared for a ticket, if any. */
export async function incidentKeyOfTicket(
  deps: Pick<DomainDeps, 'models'>,
  ticketId: string,
): Promise<string | undefined> {
  return (await deps.models.Incident.findOne({ ticketId }, { key: 1 }).lean())?.key;
}
