import { simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import type { DomainDeps } from '../domain/deps.js';
import { receiveMail, UnusableMailError } from './email.js';
import { fromParsedMail } from './email-message.js';

export interface SmtpListener {
  port: number;
  close(): Promise<void>;
}

/** An SMTP reply code with its text (smtp-server sends `responseCode` and the message). */
function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

/** `support+billing@example.com` is still the support mailbox; domains compare case-insensitively. */
export function isSupportAddress(address: string, support: string): boolean {
  const [local = '', domain = ''] = address.trim().toLowerCase().split('@');
  const [supportLocal = '', supportDomain = ''] = support.toLowerCase().split('@');
  return domain === supportDomain && local.split('+')[0] === supportLocal;
}

/**
 * The built-in inbound SMTP listener (MAIL_INBOUND_PORT). It sits behind the domain's MX (or is the MX of a
 * subdomain) and accepts mail for SUPPORT_EMAIL_ADDRESS only. The mail is stored before the 250 reply; any
 * failure to store it answers 451 so the sending server keeps the message and tries again later.
 */
export async function startSmtpListener(deps: DomainDeps, opts: { port: number; host: string }): Promise<SmtpListener> {
  const { config } = deps;
  const log = deps.logger.child({ component: 'smtp-in' });
  const server = new SMTPServer({
    name: config.SUPPORT_EMAIL_ADDRESS.split('@')[1],
    banner: 'Deskbell inbound mail',
    // No relaying and no local users: nothing to authenticate. TLS, when wanted, ends at the MX in front.
    disabledCommands: ['AUTH', 'STARTTLS'],
    authOptional: true,
    size: config.MAIL_MAX_BYTES,
    maxRecipients: 50,
    closeTimeout: 5000,
    logger: false,
    onRcptTo(address, _session, callback) {
      if (isSupportAddress(address.address, config.SUPPORT_EMAIL_ADDRESS)) return callback();
      callback(smtpError(550, `5.1.1 <${address.address}>: no such mailbox here`));
    },
    onData(stream, session, callback) {
      const returnPath = session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined;
      readMessage(stream)
        .then(async (raw) => {
          if (!raw) return callback(smtpError(552, `5.3.4 message exceeds the ${config.MAIL_MAX_BYTES}-byte limit`));
          const parsed = await simpleParser(raw);
          const outcome = await receiveMail(deps, fromParsedMail(parsed, returnPath));
          log.info({ outcome: outcome.kind, ticket: outcome.ticket.key, from: parsed.from?.text }, 'mail received');
          callback(null, `2.0.0 ${outcome.ticket.key} ${outcome.kind}`);
        })
        .catch((err: unknown) => {
          if (err instanceof UnusableMailError) return callback(smtpError(550, `5.6.0 ${err.message}`));
          log.error({ err }, 'could not store an inbound mail; answering 451 so the sender retries');
          callback(smtpError(451, '4.3.0 temporary failure, please try again later'));
        });
    },
  });
  server.on('error', (err) => log.warn({ err }, 'SMTP listener error'));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  log.info({ port, host: opts.host }, 'SMTP listener started');
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The whole message, or undefined when it went over the size limit (the rest is read and dropped). */
async function readMessage(stream: SMTPServerDataStream): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    if (!stream.sizeExceeded) chunks.push(chunk as Buffer);
  }
  return stream.sizeExceeded ? undefined : Buffer.concat(chunks);
}
