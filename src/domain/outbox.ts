import { createHmac } from 'node:crypto';
import type { TicketDoc } from '../db/models/ticket.js';
import type { OutboundMailDoc } from '../db/models/outbound-mail.js';
import { isDuplicateKeyError } from '../db/models/idempotency-key.js';
import type { DomainDeps } from './deps.js';
import type { DomainSettings } from './settings.js';

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

/**
 * A Message-ID fixed before sending, so a resend after a crash is recognisably the same mail. Its tail is an
 * HMAC of the mail and its recipient under a server key: a reply naming it proves its sender received that
 * very mail, and one recipient of a bulk mail cannot derive another's id (the readable head only helps
 * people reading headers).
 */
export function messageIdFor(
  settings: Pick<DomainSettings, 'supportEmail' | 'mailIdKey'>,
  id: string,
  to: string,
): string {
  const head = id
    .split('.')
    .slice(0, 2)
    .join('.')
    .replace(/[^A-Za-z0-9.-]/g, '.');
  const tag = createHmac('sha256', settings.mailIdKey)
    .update(`${id}\0${to.trim().toLowerCase()}`)
    .digest('hex')
    .slice(0, 32);
  return `<${head}.${tag}@${supportDomain(settings.supportEmail)}>`;
}

/**
 * Stores the mail in the outbox (once per id) and asks for it to be sent. The caller records
 * `messageIdFor(id)` in the ticket's `email.messageIds` within its own write of the ticket, so replies
 * to this mail join the ticket. With `sendNow`, a flow about to send it itself gets it back instead (once:
 * a mail stored earlier is asked for as usual); an outbox mail never sent is found by the reconcile sweep.
 */
export async function queueMail(
  deps: DomainDeps,
  ticket: TicketDoc,
  mail: QueuedMail,
  { sendNow = false } = {},
): Promise<OutboundMailDoc | undefined> {
  try {
    const stored = await deps.models.OutboundMail.create(outboxRecord(deps, ticket, mail));
    if (sendNow) return stored;
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
  }
  await deps.effects.sendMail(mail.id);
  return undefined;
}

/** A mail as its outbox record stores it (before sending, or once sent by a flow holding a claim). */
export function outboxRecord(
  deps: Pick<DomainDeps, 'settings' | 'clock'>,
  ticket: Pick<TicketDoc, '_id'>,
  mail: QueuedMail,
): OutboxRecord {
  const { id, ...rest } = mail;
  return {
    _id: id,
    ticketId: ticket._id,
    ...rest,
    messageId: messageIdFor(deps.settings, id, mail.to),
    createdAt: deps.clock.now(),
  };
}

export type OutboxRecord = Omit<QueuedMail, 'id'> & {
  _id: string;
  ticketId: TicketDoc['_id'];
  messageId: string;
  createdAt: Date;
};

/**
 * Threading headers for mail about a ticket: reply to the requester's latest message, reference the thread
 * (its last 20 ids). With `orLastOfThread`, a ticket whose requester never wrote (webhook and Slack tickets)
 * answers the thread's last mail instead, which is the acknowledgement. Not for the acknowledgement itself:
 * its own Message-ID is already the last one recorded.
 */
export function threadHeaders(
  ticket: TicketDoc,
  { orLastOfThread = false } = {},
): { inReplyTo?: string; references?: string[] } {
  const ids = ticket.email?.messageIds ?? [];
  const inReplyTo = ticket.email?.lastMessageId ?? (orLastOfThread ? ids.at(-1) : undefined);
  return { inReplyTo: inReplyTo ?? undefined, references: ids.length ? ids.slice(-20) : undefined };
}

/** Longest requester-written name and subject repeated in outgoing mail. */
export const MAIL_NAME_MAX = 100;
export const MAIL_SUBJECT_MAX = 200;

/**
 * Requester-written text (a display name, a subject) as outgoing mail may repeat it: one line, control
 * characters gone, at most `max` characters. Anyone can write to the support address, so nothing they
 * choose may make Deskbell's mail long or multi-line.
 */
export function oneLine(text: string | null | undefined, max: number): string {
  const line = (text ?? '').replace(/[\s\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

/** "Hello Ada," with the requester's name clipped to one short line, or "Hello,". */
export function greeting(ticket: { requester?: { name?: string | null } | null }): string {
  const name = oneLine(ticket.requester?.name, MAIL_NAME_MAX);
  return name ? `Hello ${name},` : 'Hello,';
}

export function ticketSubject(ticket: Pick<TicketDoc, 'key' | 'subject'>): string {
  const clean = ticket.subject.replace(/^\s*((re|fwd?|aw|wg)\s*:\s*)+/i, '').replace(/\[SUP-\d+\]\s*/gi, '');
  return `[${ticket.key}] ${oneLine(clean, MAIL_SUBJECT_MAX)}`;
}
