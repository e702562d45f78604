import nodemailer from 'nodemailer';

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
}

export class MailNotConfiguredError extends Error {
  override name = 'MailNotConfiguredError';
}

/** Outbound mail over SMTP_URL. Without it, sends fail and the durable mail job keeps the message until SMTP is configured. */
export function createMailer(smtpUrl: string | undefined, from: string): Mailer {
  if (!smtpUrl) {
    return {
      send: async () => {
        throw new MailNotConfiguredError('SMTP_URL is not set; mail stays queued');
      },
    };
  }
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(mail) {
      await transport.sendMail({
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
