import nodemailer from 'nodemailer';
import { isMailbox } from '../domain/mail-address.js';

export interface OutboundMail {
  to: string;
  subject: string;
  text: string;
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  headers?: Record<string, string>;
}

export interface Mailer {
  send(mail: OutboundMail): Promise<void>;
  /** Closes the pooled connections (at shutdown). */
  close?(): void;
}

/** A recipient that is not exactly one plain address: never sent, never retried into sending. */
export class InvalidRecipientError extends Error {
  override name = 'InvalidRecipientError';
}

export class MailNotConfiguredError extends Error {
  override name = 'MailNotConfiguredError';
}

/** nodemailer's defaults wait up to 10 minutes for a silent socket. */
export const SMTP_TIMEOUTS = { connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 30_000 };

/** Connections a process keeps open to the relay at most. */
export const SMTP_POOL_CONNECTIONS = 4;

/** Outbound mail over SMTP_URL. Without it, sends fail and the durable mail job keeps the message until SMTP is configured. */
export function createMailer(smtpUrl: string | undefined, from: string): Mailer {
  if (!smtpUrl) {
    return {
      send: async () => {
        throw new MailNotConfiguredError('SMTP_URL is not set; mail stays queued');
      },
    };
  }
  // Bounded waits: a hung SMTP server must fail the attempt well before its claim expires (MAIL_CLAIM_MS).
  // A few pooled connections: a burst of acknowledgements reuses them instead of opening one per mail (a
  // handshake each, and hundreds of sockets the relay may refuse).
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    pool: true,
    maxConnections: SMTP_POOL_CONNECTIONS,
    ...SMTP_TIMEOUTS,
  });
  return {
    close: () => transport.close(),
    async send(mail) {
      // One plain mailbox, and the envelope says so explicitly: nothing in a stored address can fan out.
      if (!isMailbox(mail.to))
        throw new InvalidRecipientError(`not a single mailbox: ${JSON.stringify(mail.to.slice(0, 100))}`);
      await transport.sendMail({
        envelope: { from, to: [mail.to] },
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        messageId: mail.messageId,
        inReplyTo: mail.inReplyTo,
        references: mail.references,
        headers: mail.headers,
      });
    },
  };
}
