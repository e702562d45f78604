import type { TicketDoc } from '../db/models/ticket.js';
import type { DomainDeps } from './deps.js';
import { messageIdFor, threadHeaders, ticketSubject, type QueuedMail } from './outbox.js';
import type { Actor } from './types.js';

/**
 * Mail an agent sends to the requester (a reply, a resolution). Composed inside the ticket's change so the
 * outbound Message-ID is recorded in the same write: the requester's answer then joins the ticket.
 */
export interface AgentMail {
  id: string;
  kind: string;
  body: string;
}

export function signature(actor: Actor, key: string): string {
  const name = actor.name?.trim();
  return [
    '-- ',
    ...(name ? [name] : []),
    'Support team',
    '',
    `Ticket ${key}. To add anything, reply to this email and keep [${key}] in the subject.`,
  ].join('\n');
}

/**
 * Builds the outbox entry and records its Message-ID on the ticket. Call inside a changeTicket mutation and
 * pass the result to `record({ mail })`: changeTicket keeps it on the event, in the same write, and queues it
 * once the change is stored (the outbox reconcile finds it there should the process die in between).
 */
export function composeAgentMail(
  deps: Pick<DomainDeps, 'settings'>,
  ticket: TicketDoc,
  actor: Actor,
  mail: AgentMail,
): QueuedMail {
  const headers = threadHeaders(ticket, { orLastOfThread: true });
  const queued: QueuedMail = {
    id: mail.id,
    kind: mail.kind,
    to: ticket.requester!.email,
    subject: ticketSubject(ticket),
    text: `${mail.body.trim()}\n\n${signature(actor, ticket.key)}\n`,
    ...headers,
  };
  const messageId = messageIdFor(deps.settings, mail.id, queued.to);
  if (!ticket.email!.messageIds.includes(messageId)) ticket.email!.messageIds.push(messageId);
  return queued;
}

/** An outbox id that names the ticket and the request, so a retried mutation composes the same mail. */
export function agentMailId(kind: string, ticket: Pick<TicketDoc, 'key'>, requestKey: string): string {
  return `${kind}.${ticket.key}.${requestKey}`;
}
