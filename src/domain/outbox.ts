import type { TicketDoc } from '../db/models/ticket.js';
import { isDuplicateKeyError } from '../db/models/idempotency-key.js';
import type { DomainDeps } from './deps.js';

export interface QueuedMail {
  /** What the mail is for, unique: `ack:<ticketId>`, `reply:<eventId>`… A second queue with the same id is a no-op. */
  id: string;
  kind: string;
  to: string;
  subject: string;
  text: string;
  inReplyTo?: string;
  references?: string[];
  headers?: Record<string, string>;
}

export function supportDomain(address: string): string {
  return address.split('@')[1] ?? 'deskbell.local';
}

/** A Message-ID fixed before sending, so a resend after a crash is recognisably the same mail. */
export function messageIdFor(id: string, address: string): string {
  return `<${id.replace(/[^A-Za-z0-9.-]/g, '.')}@${supportDomain(address)}>`;
}

/**
 * Stores the mail in the outbox (once per id) and asks for it to be sent. The caller records
 * `messageIdFor(id)` in the ticket's `email.messageIds` within its own write of the ticket, so replies
 * to this mail join the ticket.
 */
export async function queueMail(deps: DomainDeps, ticket: TicketDoc, mail: QueuedMail): Promise<void> {
  const messageId = messageIdFor(mail.id, deps.config.SUPPORT_EMAIL_ADDRESS);
  try {
    await deps.models.OutboundMail.create({ _id: mail.id, ticketId: ticket._id, ...mail, messageId, createdAt: deps.clock.now() });
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
  }
  await deps.effects.sendMail(mail.id);
}

/** Threading headers for mail about a ticket: reply to the requester's latest message, reference the whole thread. */
export function threadHeaders(ticket: TicketDoc): { inReplyTo?: string; references?: string[] } {
  const ids = ticket.email?.messageIds ?? [];
  const last = ticket.email?.lastMessageId ?? undefined;
  return { inReplyTo: last, references: ids.length ? ids.slice(-20) : undefined };
}

export function ticketSubject(ticket: Pick<TicketDoc, 'key' | 'subject'>): string {
  const clean = ticket.subject.replace(/^\s*((re|fwd?|aw|wg)\s*:\s*)+/i, '').replace(/\[SUP-\d+\]\s*/gi, '');
  return `[${ticket.key}] ${clean}`;
}
