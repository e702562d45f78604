import type { TicketDoc } from '../db/models/ticket.js';
import type { DomainDeps } from '../domain/deps.js';
import { DomainError } from '../domain/errors.js';
import { addRequesterReply } from '../domain/requester-reply.js';
import { createTicket } from '../domain/tickets.js';
import { automationReason } from './automated.js';
import { linkAttachments, storeAttachments } from './email-attachments.js';
import { mailKeys, type InboundMail } from './email-message.js';
import { clip, MAX_BODY, MAX_SUBJECT, plainBody, trimQuotedReply } from './email-text.js';

/** A mail Deskbell cannot turn into a ticket (no sender address): refuse it for good (SMTP 550, HTTP 400). */
export class UnusableMailError extends DomainError {
  override name = 'UnusableMailError';
}

export type MailOutcome =
  | { kind: 'created'; ticket: TicketDoc }
  /** The same mail came again (same Message-ID or content): nothing new. */
  | { kind: 'duplicate'; ticket: TicketDoc }
  /** The mail joined an existing ticket; `changed` is false for a redelivered reply. */
  | { kind: 'reply'; ticket: TicketDoc; changed: boolean };

const MAX_REPLY = 20_000;
const TICKET_TAG = /\[SUP-(\d+)\]/i;

/**
 * Turns an inbound mail into a new ticket or a reply on an existing one. Idempotent: the same mail
 * delivered again (SMTP retries, Postmark retries, a mail sent both ways) changes nothing.
 */
export async function receiveMail(deps: DomainDeps, mail: InboundMail): Promise<MailOutcome> {
  if (!/^[^@\s]+@[^@\s]+$/.test(mail.from.email)) throw new UnusableMailError('the mail has no usable From address');
  const keys = mailKeys(mail);
  const automated = automationReason(mail.headers, mail.from.email, mail.returnPath);

  // A mail that already made a ticket goes back through createTicket, which repairs any follow-up
  // (card, acknowledgement) a crash may have cut off, and answers "duplicate".
  const madeTicket = await deps.models.IdempotencyKey.exists({ _id: { $in: keys }, ticketId: { $exists: true } });
  const target = madeTicket ? undefined : await findTicketFor(deps, mail);
  if (target) {
    const attachments = await storeAttachments(deps, keys[0], mail.attachments, deps.config.ATTACHMENT_KEEP_MAX_BYTES, target.ticket._id);
    const text = clip(mail.strippedReply?.trim() || trimQuotedReply(plainBody(mail.text, mail.html)), MAX_REPLY);
    const outcome = await addRequesterReply(deps, target.ticket.id, {
      from: mail.from,
      text: text || '(empty message)',
      dedupeKey: keys[0],
      messageId: mail.messageId,
      automated,
      attachments,
      matchedBy: target.matchedBy,
    });
    deps.logger.info({ ticket: outcome.ticket.key, matchedBy: target.matchedBy, changed: outcome.changed, automated }, 'mail joined a ticket');
    return { kind: 'reply', ticket: outcome.ticket, changed: outcome.changed };
  }

  const attachments = await storeAttachments(deps, keys[0], mail.attachments, deps.config.ATTACHMENT_KEEP_MAX_BYTES);
  const { ticket, created } = await createTicket(deps, {
    source: 'email',
    requester: mail.from,
    subject: clip(mail.subject.replace(/\s+/g, ' ').trim(), MAX_SUBJECT) || '(no subject)',
    body: clip(plainBody(mail.text, mail.html), MAX_BODY),
    attachments,
    // Tells triagers why no acknowledgement went out.
    metadata: automated ? { 'auto-acknowledgement': `not sent: ${automated}` } : undefined,
    email: { messageId: mail.messageId, references: [...mail.inReplyTo, ...mail.references], automated: !!automated },
    idempotencyKeys: keys,
    acknowledge: true,
  });
  if (attachments.some((a) => a.stored)) await linkAttachments(deps, keys[0], ticket._id);
  return { kind: created ? 'created' : 'duplicate', ticket };
}

/**
 * The ticket a mail answers. By thread first: its In-Reply-To/References (or its own Message-ID, for a
 * redelivered reply) name a mail of the ticket, which only someone in the conversation has. Else by the
 * ticket number in the subject, but only from the requester's own address: a number is easy to guess,
 * and a stranger's mail must not reopen someone else's ticket or land in its thread (it becomes a ticket).
 */
async function findTicketFor(deps: DomainDeps, mail: InboundMail): Promise<{ ticket: TicketDoc; matchedBy: 'thread' | 'subject' } | undefined> {
  const threadIds = [...mail.inReplyTo, ...mail.references, ...(mail.messageId ? [mail.messageId] : [])];
  if (threadIds.length) {
    const candidates = await deps.models.Ticket.find({ 'email.messageIds': { $in: threadIds } }).sort({ updatedAt: -1 }).limit(10);
    // The direct parent wins over older references, which a long thread may share with another ticket.
    const direct = candidates.find((t) => t.email?.messageIds.some((id) => mail.inReplyTo.includes(id) || id === mail.messageId));
    const ticket = direct ?? candidates[0];
    if (ticket) return { ticket, matchedBy: 'thread' };
  }
  const tag = TICKET_TAG.exec(mail.subject);
  if (tag) {
    const ticket = await deps.models.Ticket.findOne({ number: Number(tag[1]) });
    if (ticket && ticket.requester?.email?.toLowerCase() === mail.from.email.toLowerCase()) return { ticket, matchedBy: 'subject' };
  }
  return undefined;
}
