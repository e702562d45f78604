import EmailForwardParser from 'email-forward-parser';
import { z } from 'zod';
import type { Config } from '../config.js';
import type { InboundMail } from './email-message.js';
import { clip, plainBody } from './email-text.js';

export interface Forward {
  /** The mail as its original sender wrote it: their address, their subject, their text. */
  mail: InboundMail;
  /** The mail as received (the forwarder's), kept whole with the ticket. */
  received: InboundMail;
  forwardedBy: { email: string; name?: string };
  /** What the forwarder wrote above the forwarded mail. */
  note: string;
}

const address = z.email();
const MAX_NOTE = 500;
const parser = new EmailForwardParser();
const PARSED_HEAD = 20_000;

/** The original mail's body to the end of the text, though the parser only read its head. */
function wholeBody(text: string, parsedBody: string): string {
  if (text.length <= PARSED_HEAD || !parsedBody) return parsedBody;
  const start = text.indexOf(parsedBody.slice(0, 200));
  return start < 0 ? parsedBody : text.slice(start).trim();
}

/**
 * Whether `email` belongs to someone who may bring a customer's mail in by forwarding it: an address at the
 * support address's domain or at a domain in MAIL_FORWARDER_DOMAINS (exactly that domain, not a lookalike).
 */
export function isKnownForwarder(
  email: string,
  config: Pick<Config, 'SUPPORT_EMAIL_ADDRESS' | 'MAIL_FORWARDER_DOMAINS'>,
): boolean {
  const domain = email.toLowerCase().split('@')[1] ?? '';
  const supportDomain = config.SUPPORT_EMAIL_ADDRESS.toLowerCase().split('@')[1];
  return domain === supportDomain || config.MAIL_FORWARDER_DOMAINS.includes(domain);
}

/**
 * A mail a known colleague forwarded ("Fwd:", Gmail's, Outlook's, Apple Mail's forward blocks, as
 * email-forward-parser reads them), seen as the original sender's: the ticket is theirs and the forwarder is
 * who brought it in. Anyone else's forward, a forward whose sender is not authenticated (a forged From must
 * not decide whose ticket it is) and a forward naming no usable sender stay the sender's own mail.
 */
export function asForwarded(mail: InboundMail, config: Config): Forward | undefined {
  if (!isKnownForwarder(mail.from.email, config)) return undefined;
  // Only an authenticated colleague: a forged From at the support domain must not decide whose ticket it is.
  if (mail.auth?.status !== 'pass') return undefined;
  const text = plainBody(mail.text, mail.html);
  // The parser's patterns slow down sharply on long lines: it reads the head, where the forward block is.
  const parsed = parser.read(text.slice(0, PARSED_HEAD), mail.subject);
  const original = parsed.forwarded ? parsed.email : undefined;
  const from = address.safeParse(original?.from?.address?.trim().toLowerCase());
  if (!original || !from.success || from.data === config.SUPPORT_EMAIL_ADDRESS.toLowerCase()) return undefined;
  const name = original.from.name?.trim();
  return {
    mail: {
      ...mail,
      from: { email: from.data, name: name || undefined },
      subject: original.subject?.trim() || mail.subject.replace(/^\s*(?:fwd?|fw|tr|wg|rv|enc|i)\s*:\s*/i, ''),
      text: wholeBody(text, original.body ?? ''),
      html: undefined,
    },
    received: mail,
    forwardedBy: mail.from,
    note: clip((parsed.message ?? '').trim(), MAX_NOTE),
  };
}

/** What the ticket's card says about a forward, and why no acknowledgement went out unless ACK_FORWARDED. */
export function forwardNotes(
  forward: Forward | undefined,
  config: Pick<Config, 'ACK_FORWARDED'>,
): Record<string, string> {
  if (!forward) return {};
  const by = forward.forwardedBy.name
    ? `${forward.forwardedBy.name} <${forward.forwardedBy.email}>`
    : forward.forwardedBy.email;
  return {
    'Forwarded by': by,
    ...(forward.note ? { "Forwarder's note": forward.note } : {}),
    ...(config.ACK_FORWARDED ? {} : { 'auto-acknowledgement': 'not sent: a forwarded mail (ACK_FORWARDED is off)' }),
  };
}
