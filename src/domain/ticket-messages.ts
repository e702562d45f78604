import type { DomainDeps } from './deps.js';
import { DomainError } from './errors.js';

export interface FullMessage {
  ticketKey: string;
  from: { email?: string | null; name?: string | null };
  at: Date;
  /** The mail as received: its text part, else its HTML converted at intake, else what the thread note shows. */
  text: string;
}

/**
 * A requester's mail in full, for "Show the full message" on its thread note. The note's event carries the
 * mail's dedupe key, which is the stored message's `_id`. Read only.
 */
export async function fullMessage(
  deps: Pick<DomainDeps, 'models'>,
  ticketId: string,
  eventId: string,
): Promise<FullMessage> {
  const ticket = await deps.models.Ticket.findById(ticketId, { key: 1, timeline: 1 }).lean();
  const event = ticket?.timeline.find((e) => String(e._id) === eventId);
  if (!ticket || !event) throw new DomainError('That message is no longer on the ticket.');
  const stored = event.dedupeKey ? await deps.models.TicketMessage.findById(event.dedupeKey).lean() : null;
  const quote = (event.data as { quote?: string } | undefined)?.quote ?? '';
  return {
    ticketKey: ticket.key,
    from: stored?.from ?? { email: event.actor.id, name: event.actor.name },
    at: stored?.createdAt ?? event.at,
    text: stored?.rawText || stored?.fullText || stored?.text || quote,
  };
}
