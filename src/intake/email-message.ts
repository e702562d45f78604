import { createHash } from 'node:crypto';
import type { ParsedMail } from 'mailparser';
import { isMailbox } from '../domain/mail-address.js';
import type { SenderAuth } from './email-auth.js';

export interface InboundAttachment {
  filename: string;
  contentType: string;
  size: number;
  content: Buffer;
}

/** One inbound mail, whichever way it arrived (built-in SMTP listener or Postmark's webhook). */
export interface InboundMail {
  transport: 'smtp' | 'postmark';
  /** The Message-ID header, with angle brackets. */
  messageId?: string;
  /** The transport's own id of the mail (Postmark's MessageID): a dedupe key when there is no Message-ID. */
  transportId?: string;
  inReplyTo: string[];
  references: string[];
  from: { email: string; name?: string };
  /** The support address the mail came to (SMTP envelope recipient, Postmark's OriginalRecipient): SLA routing. */
  to?: string;
  /** Envelope sender: `''` for the null sender `<>`, undefined when the transport does not say. */
  returnPath?: string;
  subject: string;
  /** The text part as sent; never text derived from the HTML (the SMTP listener asks mailparser not to). */
  text?: string;
  html?: string;
  /** Lower-case header name → first value, unfolded. */
  headers: Record<string, string>;
  /** Every `Authentication-Results` value, topmost first (only one the receiving side wrote is trusted). */
  authenticationResults: string[];
  /** Whether From is authenticated, as the transport established it (src/intake/email-verify.ts). */
  auth?: SenderAuth;
  attachments: InboundAttachment[];
}

/** Thread ids read from one header, and their length: a real thread names a few dozen short ids. */
export const MAX_THREAD_IDS = 100;
export const MAX_MESSAGE_ID_LENGTH = 250;

/**
 * `<a@x> <b@y>` (or a bare `a@x`) → `['<a@x>', '<b@y>']`. Keeps the last MAX_THREAD_IDS ids (the newest
 * mails of the thread) and drops overlong ones, so no header can make a mail costly to read or store.
 */
export function messageIdList(value: string | string[] | undefined | null): string[] {
  const values = (Array.isArray(value) ? value : value ? [value] : []).map((v) => v.slice(-MAX_THREAD_IDS * 260));
  const ids = new Set<string>();
  for (const v of values) {
    const bracketed = v.match(/<[^<>\s]+>/g) ?? (v.trim() && !/\s/.test(v.trim()) ? [`<${v.trim()}>`] : []);
    for (const id of bracketed) if (id.length <= MAX_MESSAGE_ID_LENGTH) ids.add(id);
  }
  return [...ids].slice(-MAX_THREAD_IDS);
}

/** Every value of one header, topmost first, unfolded. */
export function headerValues(lines: ReadonlyArray<{ key: string; line: string }>, name: string): string[] {
  return lines
    .filter((l) => l.key.toLowerCase() === name)
    .map(({ line }) =>
      line
        .slice(line.indexOf(':') + 1)
        .replace(/\r?\n[ \t]+/g, ' ')
        .trim(),
    );
}

/** Header lines as a lower-case name → first value map (folded lines joined). */
export function headerMap(lines: ReadonlyArray<{ key: string; line: string }>): Record<string, string> {
  const map: Record<string, string> = {};
  for (const { key, line } of lines) {
    const name = key.toLowerCase();
    if (name in map) continue;
    const colon = line.indexOf(':');
    map[name] = (colon >= 0 ? line.slice(colon + 1) : '').replace(/\r?\n[ \t]+/g, ' ').trim();
  }
  return map;
}

/** A mail parsed by mailparser (from the SMTP listener), normalised. */
export function fromParsedMail(parsed: ParsedMail, returnPath: string | undefined): InboundMail {
  // Exactly one mailbox: `a@x, b@y` or a group would leave it open who is writing, and whom we answer.
  const mailboxes = (parsed.from?.value ?? []).flatMap((a) => (a.group ? a.group : [a]));
  const sender = mailboxes.length === 1 && isMailbox(mailboxes[0]!.address ?? '') ? mailboxes[0] : undefined;
  return {
    transport: 'smtp',
    messageId: messageIdList(parsed.messageId)[0],
    inReplyTo: messageIdList(parsed.inReplyTo),
    references: messageIdList(parsed.references),
    from: { email: (sender?.address ?? '').trim().toLowerCase(), name: sender?.name?.trim() || undefined },
    returnPath,
    subject: parsed.subject ?? '',
    text: parsed.text,
    html: parsed.html || undefined,
    headers: headerMap(parsed.headerLines),
    authenticationResults: headerValues(parsed.headerLines, 'authentication-results'),
    attachments: parsed.attachments
      // Inline images of an HTML body are part of its layout, not files the requester meant to send.
      .filter((a) => !(a.related && a.contentType.startsWith('image/')))
      .map((a, i) => ({
        filename: a.filename || `attachment-${i + 1}`,
        contentType: a.contentType || 'application/octet-stream',
        size: a.size ?? a.content.length,
        content: a.content,
      })),
  };
}

/**
 * The keys that identify this mail across deliveries: its Message-ID; without one, a hash of what it says
 * (and the transport's own id). The first key also names the ticket a new mail creates.
 */
export function mailKeys(mail: InboundMail): [string, ...string[]] {
  if (mail.messageId) return [`email:msgid:${mail.messageId}`];
  const hash = createHash('sha256')
    .update(
      JSON.stringify([
        mail.from.email.toLowerCase(),
        mail.subject,
        mail.headers['date'] ?? '',
        mail.text ?? '',
        mail.html ?? '',
        mail.attachments.map((a) => [a.filename, a.size]),
      ]),
    )
    .digest('hex');
  const keys: [string, ...string[]] = [`email:hash:${hash}`];
  if (mail.transportId) keys.push(`email:${mail.transport}:${mail.transportId}`);
  return keys;
}
