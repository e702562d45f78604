import { randomUUID } from 'node:crypto';
import type { ParsedMail } from 'mailparser';
import nodemailer from 'nodemailer';
import { Webhook } from 'standardwebhooks';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { SANDBOX_AUTHSERV_ID } from './config.js';
import type { SmtpSink } from './mail-sink.js';

/** A mail Deskbell sent, as the sandbox's mailbox lists it. */
export interface SentMail {
  id: number;
  to: string;
  from: string;
  subject: string;
  date?: string;
  text: string;
  messageId?: string;
  references: string[];
}

const addresses = (a: ParsedMail['to']): string => (Array.isArray(a) ? a : a ? [a] : []).map((x) => x.text).join(', ');

/** `arrivedAt`: when each mail reached the sink by Deskbell's clock (the sandbox's moves; a header's does not). */
export function sentMail(sink: SmtpSink, arrivedAt?: (mail: ParsedMail) => Date | undefined): SentMail[] {
  return sink.messages.map((m, id) => ({
    id,
    to: addresses(m.to),
    from: m.from?.text ?? '',
    subject: m.subject ?? '',
    date: (arrivedAt?.(m) ?? m.date)?.toISOString(),
    text: m.text ?? '',
    messageId: m.messageId,
    references: [m.references ?? []].flat(),
  }));
}

export interface RequesterMail {
  email: string;
  name?: string;
  subject: string;
  text: string;
  /** The mail this one answers: it joins that ticket, as a reply in the same thread does. */
  inReplyTo?: SentMail;
}

/**
 * Sends a requester's mail to Deskbell's real SMTP listener. The sandbox plays the receiving MX in front of it
 * (MAIL_AUTHSERV_ID): its Authentication-Results says the sender's domain passed SPF, DKIM and DMARC, as a
 * customer's own provider would make it, so the mail is acknowledged like a real customer's.
 */
export async function mailAsRequester(config: Config, smtpPort: number, clock: Clock, mail: RequesterMail) {
  const domain = mail.email.split('@')[1] ?? 'example.com';
  const verdict = `spf=pass smtp.mailfrom=${domain}; dkim=pass header.d=${domain}; dmarc=pass header.from=${domain}`;
  const transport = nodemailer.createTransport({
    host: config.MAIL_INBOUND_HOST,
    port: smtpPort,
    secure: false,
    ignoreTLS: true,
  });
  const thread = mail.inReplyTo?.messageId
    ? { inReplyTo: mail.inReplyTo.messageId, references: [...mail.inReplyTo.references, mail.inReplyTo.messageId] }
    : {};
  try {
    await transport.sendMail({
      from: mail.name ? { name: mail.name, address: mail.email } : mail.email,
      to: config.SUPPORT_EMAIL_ADDRESS,
      subject: mail.subject,
      text: mail.text,
      date: clock.now(),
      messageId: `<${randomUUID()}@${domain}>`,
      headers: { 'Authentication-Results': `${SANDBOX_AUTHSERV_ID}; ${verdict}` },
      ...thread,
    });
  } finally {
    transport.close();
  }
}

/** The body of a quoted reply: the requester's words, then the mail they answer, as mail programs quote it. */
export function quoted(text: string, original: SentMail): string {
  const when = original.date ? new Date(original.date).toUTCString() : 'earlier';
  const quote = original.text
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
  return `${text}\n\nOn ${when}, ${original.from} wrote:\n${quote}\n`;
}

export interface WebhookTicket {
  subject: string;
  body: string;
  requester: { email: string; name?: string };
  priority?: string;
  category?: string;
}

/** POSTs a ticket to /intake/webhook signed with the sandbox's INTAKE_WEBHOOK_SECRET, as a monitoring system would. */
export async function sendWebhookTicket(config: Config, baseUrl: string, ticket: WebhookTicket): Promise<Response> {
  const id = `msg_${randomUUID()}`;
  const payload = JSON.stringify(ticket);
  const now = new Date();
  const signature = new Webhook(config.INTAKE_WEBHOOK_SECRET!).sign(id, now, payload);
  const headers = {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': signature,
  };
  return fetch(`${baseUrl}/intake/webhook`, { method: 'POST', headers, body: payload });
}
