import { isValidObjectId } from 'mongoose';
import type { Models } from '../db/models/index.js';

/**
 * What an effect is about, in the words an operator searches the log for: `SUP-12` and `INC-3` rather
 * than database ids. Looked up only when a line is logged (a failure), so working effects cost nothing.
 */
export async function effectSubject(
  models: Pick<Models, 'Ticket' | 'Incident' | 'OutboundMail'>,
  data: Record<string, string>,
): Promise<{ ticket?: string; incident?: string }> {
  try {
    if (data.incidentId && isValidObjectId(data.incidentId)) {
      const incident = await models.Incident.findById(data.incidentId, { key: 1, ticketKey: 1 }).lean();
      if (incident) return { incident: incident.key, ...(incident.ticketKey ? { ticket: incident.ticketKey } : {}) };
    }
    let ticketId = data.ticketId;
    if (!ticketId && data.outboxId) {
      ticketId = (await models.OutboundMail.findById(data.outboxId, { ticketId: 1 }).lean())?.ticketId?.toString();
    }
    if (ticketId && isValidObjectId(ticketId)) {
      const ticket = await models.Ticket.findById(ticketId, { key: 1 }).lean();
      if (ticket) return { ticket: ticket.key };
    }
  } catch {
    // A log line without the key is better than none.
  }
  return {};
}
