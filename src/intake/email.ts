import type { TicketDoc } from '../db/models/ticket.js';
import type { Config } from '../config.js';
import type { DomainDeps } from '../domain/deps.js';

/** Intake reads its limits and checks from the configuration, then hands tickets to the domain. */
export type IntakeDeps = DomainDeps & { config: Config };
import { DomainError } from '../domain/errors.js';
import { addRequesterReply } from '../domain/requester-reply.js';
import { createTicket } from '../domain/tickets.js';
import { automationReason } from './automated.js';
import { linkAttachments, storeAttachments } from './email-attachments.js';
import { HOUR_MS, takeRate } from '../db/rate-limit.js';
import { isMailbox, normalisedAddress } from '../domain/mail-address.js';
import { NO_AUTH, type SenderAuth } from './email-auth.js';
import { asForwarded, forwardNotes } from './email-forward.js';
import { mailKeys, type InboundMail } from './email-message.js';
import { clip, MAX_BODY, MAX_SUBJECT, plainBody, replyText } from './email-text.js';

/** A mail Deskbell cannot turn into a ticket (no sender address): refuse it for good (SMTP 550, HTTP 400). */
export class UnusableMailError extends DomainError {
  override name = 'UnusableMailError';
}

/** A mail to take later (a limit is reached): SMTP 451, HTTP 429; the sending side retries. */
export class DeferredMailError extends DomainError {
  override name = 'DeferredMailError';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

export type MailOutcome =
  | { kind: 'created'; ticket: TicketDoc }
  /** The same mail came again (same Message-ID or content): nothing new. */
  | { kind: 'duplicate'; ticket: TicketDoc }
  /** The mail joined an existing ticket; `changed` is false for a redelivered reply. */
  | { kind: 'reply'; ticket: TicketDoc; changed: boolean };

const MAX_REPLY = 20_000;
const ONLY_QUOTES = '(nothing of its own: it only quotes earlier mail)';
/** Longest raw text or HTML kept of one mail: two of them stay far below MongoDB's 16 MB document limit. */
const MAX_RAW = 6_000_000;
/** Longest reply quote a ticket's timeline embeds (a thread note shows at most 2,800 characters anyway). */
const MAX_EMBEDDED_QUOTE = 2_800;
/** Longest display name kept from a mail (it is repeated in the acknowledgement's greeting). */
const MAX_DISPLAY_NAME = 100;
const TICKET_TAG = /\[SUP-(\d+)\]/i;

/**
 * Turns an inbound mail into a new ticket or a reply on an existing one. Idempotent: the same mail
 * delivered again (SMTP retries, Postmark retries, a mail sent both ways) changes nothing.
 */
export async function receiveMail(deps: IntakeDeps, mail: InboundMail): Promise<MailOutcome> {
  if (!isMailbox(mail.from.email))
    throw new UnusableMailError('the mail has no usable From address (exactly one mailbox)');
  mail = { ...mail, from: { email: mail.from.email, name: displayName(mail.from.name) } };
  // A colleague's forward of a customer's mail is the customer's (see email-forward.ts).
  const forward = asForwarded(mail, deps.config);
  // The customer's address is not authenticated by their colleague's mail: the ticket's requester is unverified.
  if (forward)
    mail = {
      ...forward.mail,
      from: { ...forward.mail.from, name: displayName(forward.mail.from.name) },
      auth: NO_AUTH,
    };
  const keys = mailKeys(mail);
  const automated = automationReason(mail.headers, mail.from.email, mail.returnPath);
  const auth = mail.auth ?? NO_AUTH;

  // A mail that already made a ticket goes back through createTicket, which repairs any follow-up
  // (card, acknowledgement) a crash may have cut off, and answers "duplicate".
  const madeTicket = await deps.models.Ticket.exists({ idempotencyKeys: { $in: keys } });
  const match = madeTicket ? undefined : await findTicketFor(deps, mail, auth);
  if (match && 'ticket' in match) {
    const target = match;
    const attachments = await storeAttachments(
      deps,
      keys[0],
      mail.attachments,
      deps.config.ATTACHMENT_KEEP_MAX_BYTES,
      target.ticket._id,
    );
    const text = clip(replyText(mail.text, mail.html), MAX_REPLY);
    // The whole text lives in ticket_messages; the ticket's timeline keeps a quote the thread note can show.
    await keepMessage(deps, target.ticket, keys[0], forward?.received ?? mail, text);
    const outcome = await addRequesterReply(deps, target.ticket.id, {
      from: mail.from,
      text: clip(text, MAX_EMBEDDED_QUOTE) || (plainBody(mail.text, mail.html) ? ONLY_QUOTES : '(empty message)'),
      dedupeKey: keys[0],
      messageId: mail.messageId,
      automated,
      attachments,
      matchedBy: target.matchedBy,
    });
    deps.logger.info(
      { ticket: outcome.ticket.key, matchedBy: target.matchedBy, changed: outcome.changed, automated },
      'mail joined a ticket',
    );
    return { kind: 'reply', ticket: outcome.ticket, changed: outcome.changed };
  }

  if (!madeTicket) await takeDomainSlot(deps, mail.from.email);
  const notes: Record<string, string> = forwardNotes(forward, deps.config);
  // Tells triagers why no acknowledgement went out.
  if (automated) notes['auto-acknowledgement'] = `not sent: ${automated}`;
  else if (!madeTicket) {
    const withheld = await acknowledgementWithheld(deps, mail.from.email, auth);
    if (withheld) notes['auto-acknowledgement'] = `not sent: ${withheld}`;
  }
  if (match?.related)
    notes['Related ticket'] = `${match.related.key}: ${match.reason}, so this mail opened its own ticket`;
  if (auth.present) notes['Sender authentication'] = auth.detail || auth.status;
  const attachments = await storeAttachments(deps, keys[0], mail.attachments, deps.config.ATTACHMENT_KEEP_MAX_BYTES);
  const { ticket, created } = await createTicket(deps, {
    source: 'email',
    requester: mail.from,
    subject: clip(mail.subject.replace(/\s+/g, ' ').trim(), MAX_SUBJECT) || '(no subject)',
    body: clip(plainBody(mail.text, mail.html), MAX_BODY),
    attachments,
    metadata: Object.keys(notes).length ? notes : undefined,
    email: {
      messageId: mail.messageId,
      references: [...mail.inReplyTo, ...mail.references],
      automated: !!automated,
      ...(mail.to ? { to: mail.to } : {}),
    },
    senderAuthenticated: auth.status === 'pass',
    idempotencyKeys: keys,
    // A redelivery decides as the first delivery did (its note says whether the acknowledgement was withheld).
    acknowledge: madeTicket ? !(await withheldBefore(deps, keys)) : !notes['auto-acknowledgement'],
  });
  if (attachments.some((a) => a.stored)) await linkAttachments(deps, keys[0], ticket._id);
  // A forward's ticket holds the customer's mail; the forwarder's is kept whole (also on a redelivery: a crash
  // may have come between the ticket and this write).
  if (forward) await keepMessage(deps, ticket, keys[0], forward.received, plainBody(mail.text, mail.html));
  return { kind: created ? 'created' : 'duplicate', ticket };
}

/** Stores a mail apart from the ticket: its reply text, its text and HTML as received (once: the dedupe key is the `_id`). */
async function keepMessage(
  deps: IntakeDeps,
  ticket: TicketDoc,
  key: string,
  mail: InboundMail,
  text: string,
): Promise<void> {
  const raw = {
    rawText: mail.text?.trim() ? clip(mail.text, MAX_RAW) : undefined,
    html: mail.html && clip(mail.html, MAX_RAW),
    fullText: !mail.text?.trim() && mail.html ? clip(plainBody(undefined, mail.html), MAX_RAW) : undefined,
  };
  await deps.models.TicketMessage.updateOne(
    { _id: key },
    {
      $setOnInsert: {
        ticketId: ticket._id,
        messageId: mail.messageId,
        from: mail.from,
        text,
        ...raw,
        createdAt: deps.clock.now(),
      },
    },
    { upsert: true },
  );
}

/** The sender's display name as outgoing mail may repeat it: one line, at most MAX_DISPLAY_NAME characters. */
function displayName(name: string | undefined): string | undefined {
  const line = name?.replace(/[\s\u0000-\u001f\u007f]+/g, ' ').trim();
  return line ? clip(line, MAX_DISPLAY_NAME) : undefined;
}

/**
 * New tickets from one sender domain per hour (MAIL_MAX_NEW_TICKETS_PER_DOMAIN_PER_HOUR), counted for every
 * process at once: a flood from many addresses of one domain is deferred, not stored. Replies are not
 * counted: they add to tickets that exist.
 */
async function takeDomainSlot(deps: IntakeDeps, from: string): Promise<void> {
  const domain = from.split('@').pop()!.toLowerCase();
  const limit = deps.config.MAIL_MAX_NEW_TICKETS_PER_DOMAIN_PER_HOUR;
  const rate = await takeRate(deps.models, `mail-domain:${domain}`, limit, HOUR_MS, deps.clock.now());
  if (rate.allowed) return;
  deps.logger.warn({ domain, limit }, 'sender domain over its hourly limit of new tickets; mail deferred');
  throw new DeferredMailError(
    `too many new tickets from ${domain} this hour; try again later`,
    Math.ceil(rate.retryAfterMs / 1000),
  );
}

/**
 * Why a new mail's acknowledgement is not sent, if it is not: the sender failed authentication (a spoofed
 * From would make Deskbell mail a stranger), or the address already got ACK_MAX_PER_HOUR acknowledgements
 * this hour (so the support address cannot be used to flood someone). Counted atomically on the normalised
 * address (`Ceo+1@x` is `ceo@x`), shared by every process.
 */
async function acknowledgementWithheld(deps: IntakeDeps, to: string, auth: SenderAuth): Promise<string | undefined> {
  if (deps.config.ACK_SKIP_AUTH_FAILED && auth.status === 'fail')
    return `sender authentication failed (${auth.detail})`;
  const limit = deps.config.ACK_MAX_PER_HOUR;
  const rate = await takeRate(deps.models, `ack:${normalisedAddress(to)}`, limit, HOUR_MS, deps.clock.now());
  if (!rate.allowed) return `${to} already got ${rate.count} acknowledgements this hour (ACK_MAX_PER_HOUR)`;
  return undefined;
}

async function withheldBefore(deps: IntakeDeps, keys: string[]): Promise<boolean> {
  const ticket = await deps.models.Ticket.findOne({ idempotencyKeys: { $in: keys } }, { metadata: 1 }).lean();
  const note = (ticket?.metadata as Record<string, unknown> | undefined)?.['auto-acknowledgement'];
  return typeof note === 'string' && note.startsWith('not sent');
}

type Match =
  | { ticket: TicketDoc; matchedBy: 'thread' | 'subject'; related?: undefined }
  | { related: TicketDoc; reason: string };

/**
 * The ticket a mail answers: the one whose mail its In-Reply-To/References name (a mail Deskbell sent, whose
 * Message-ID is unguessable and different for every recipient, or the requester's own earlier mail), else
 * the ticket number in its subject. Any of these can be copied, forged or guessed, so a match only counts
 * when the mail comes from the ticket's requester AND its From is authenticated (see SenderAuth). A
 * stranger's or an unauthenticated mail never writes into or reopens a ticket: it opens its own, whose card
 * names the other ticket and why it was not joined.
 */
async function findTicketFor(deps: IntakeDeps, mail: InboundMail, auth: SenderAuth): Promise<Match | undefined> {
  const threadIds = [...new Set([...mail.inReplyTo, ...mail.references])].slice(-100);
  const byThread = threadIds.length ? await ticketInThread(deps, mail, threadIds) : null;
  const tag = TICKET_TAG.exec(mail.subject);
  const byTag = !byThread && tag ? await deps.models.Ticket.findOne({ number: Number(tag[1]) }) : null;
  const candidate = byThread ?? byTag;
  if (!candidate) return undefined;
  const how = byThread ? 'its thread headers name a mail of that ticket' : 'its subject names that ticket';
  if (candidate.requester?.email?.toLowerCase() !== mail.from.email.toLowerCase()) {
    return { related: candidate, reason: `${how}, but it is not from that ticket's requester` };
  }
  if (auth.status !== 'pass') {
    const why = auth.present ? auth.detail || 'no pass' : 'no SPF, DKIM or DMARC result';
    return { related: candidate, reason: `${how}, but the sender is not authenticated (${why})` };
  }
  return { ticket: candidate, matchedBy: byThread ? 'thread' : 'subject' };
}

/** The ticket whose mail the thread headers name: ours first (the direct parent wins), then the requester's. */
async function ticketInThread(deps: IntakeDeps, mail: InboundMail, threadIds: string[]): Promise<TicketDoc | null> {
  const ours = await deps.models.OutboundMail.find(
    { messageId: { $in: threadIds } },
    { ticketId: 1, messageId: 1 },
  ).lean();
  const parent = ours.find((m) => mail.inReplyTo.includes(m.messageId)) ?? ours[0];
  if (parent) return deps.models.Ticket.findById(parent.ticketId);
  const byId = await deps.models.Ticket.findOne({ 'email.messageIds': { $in: threadIds } }).sort({ updatedAt: -1 });
  if (byId) return byId;
  // A ticket embeds only its latest Message-IDs; older replies are found through ticket_messages.
  const earlier = await deps.models.TicketMessage.findOne({ messageId: { $in: threadIds } }, { ticketId: 1 }).lean();
  return earlier ? deps.models.Ticket.findById(earlier.ticketId) : null;
}
