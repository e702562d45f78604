import { simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { HOUR_MS, takeRate } from '../db/rate-limit.js';
import { normalisedAddress } from '../domain/mail-address.js';
import type { IntakeDeps } from './email.js';
import { DeferredMailError, receiveMail, UnusableMailError } from './email.js';
import { fromParsedMail, type InboundMail } from './email-message.js';
import { authFromMx, systemResolver, verifySession, type DnsResolver } from './email-verify.js';

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
export async function startSmtpListener(
  deps: IntakeDeps,
  opts: { port: number; host: string; resolver?: DnsResolver },
): Promise<SmtpListener> {
  const { config } = deps;
  const log = deps.logger.child({ component: 'smtp-in' });
  const resolver = opts.resolver ?? systemResolver();
  const mta = config.SUPPORT_EMAIL_ADDRESS.split('@')[1]!;
  // Behind an MX that writes Authentication-Results, its word counts; facing senders directly, our own check.
  const authenticate = async (raw: Buffer, mail: InboundMail, session: SMTPServerSession) =>
    config.MAIL_AUTHSERV_ID
      ? authFromMx(mail, config.MAIL_AUTHSERV_ID)
      : verifySession(raw, mail, sessionFacts(session), { resolver, mta });
  const perConnection = new Map<string, number>();
  const server = new SMTPServer({
    name: config.SUPPORT_EMAIL_ADDRESS.split('@')[1],
    banner: 'Deskbell inbound mail',
    // No relaying and no local users: nothing to authenticate. TLS, when wanted, ends at the MX in front.
    disabledCommands: ['AUTH', 'STARTTLS'],
    authOptional: true,
    size: config.MAIL_MAX_BYTES,
    maxRecipients: 50,
    // More simultaneous connections than this are answered 421 by smtp-server itself.
    maxClients: config.MAIL_MAX_CLIENTS,
    closeTimeout: 5000,
    logger: false,
    onConnect(session, callback) {
      perConnection.set(session.id, 0);
      callback();
    },
    onClose(session) {
      perConnection.delete(session.id);
    },
    onMailFrom(address, session, callback) {
      const count = (perConnection.get(session.id) ?? 0) + 1;
      perConnection.set(session.id, count);
      if (count > config.MAIL_MAX_MESSAGES_PER_CONNECTION) {
        log.warn(
          { remote: session.remoteAddress, limit: config.MAIL_MAX_MESSAGES_PER_CONNECTION },
          'too many messages on one SMTP connection',
        );
        return callback(
          smtpError(
            421,
            `4.7.0 too many messages on this connection (${config.MAIL_MAX_MESSAGES_PER_CONNECTION}); reconnect and try again`,
          ),
        );
      }
      // The null sender <> (bounces) is one "sender" too, so a bounce storm is limited like anything else.
      const key = `mail-sender:${address.address ? normalisedAddress(address.address) : '<>'}`;
      takeRate(deps.models, key, config.MAIL_MAX_PER_SENDER_PER_HOUR, HOUR_MS, deps.clock.now())
        .then((rate) => {
          if (rate.allowed) return callback();
          log.warn(
            { remote: session.remoteAddress, limit: config.MAIL_MAX_PER_SENDER_PER_HOUR },
            'sender over its hourly limit',
          );
          callback(smtpError(451, '4.7.1 too many messages from this sender; try again later'));
        })
        .catch((err: unknown) => {
          log.error({ err }, 'could not count a sender; answering 451');
          callback(smtpError(451, '4.3.0 temporary failure, please try again later'));
        });
    },
    onRcptTo(address, _session, callback) {
      if (isSupportAddress(address.address, config.SUPPORT_EMAIL_ADDRESS)) return callback();
      callback(smtpError(550, `5.1.1 <${address.address}>: no such mailbox here`));
    },
    onData(stream, session, callback) {
      const returnPath = session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined;
      readMessage(stream)
        .then(async (raw) => {
          if (!raw) return callback(smtpError(552, `5.3.4 message exceeds the ${config.MAIL_MAX_BYTES}-byte limit`));
          const mail = await parseMail(raw, returnPath);
          // RCPT TO only accepts the support address (plus-tags included): the first is the one it came to.
          mail.to = session.envelope.rcptTo[0]?.address.toLowerCase();
          mail.auth = await authenticate(raw, mail, session);
          const outcome = await receiveMail(deps, mail);
          // The sender's name and address stay out of info logs (they are personal data); the ticket has them.
          log.info({ outcome: outcome.kind, ticket: outcome.ticket.key }, 'mail received');
          callback(null, `2.0.0 ${outcome.ticket.key} ${outcome.kind}`);
        })
        .catch((err: unknown) => {
          if (err instanceof UnusableMailError) return callback(smtpError(550, `5.6.0 ${err.message}`));
          if (err instanceof DeferredMailError) return callback(smtpError(451, `4.7.1 ${err.message}`));
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

/** A mail that cannot be parsed is refused for good: retrying the same bytes cannot help. */
async function parseMail(raw: Buffer, returnPath: string | undefined): Promise<InboundMail> {
  try {
    // No text made from the HTML by mailparser (wrapped at 80 columns): Deskbell converts it itself.
    return fromParsedMail(await simpleParser(raw, { skipHtmlToText: true }), returnPath);
  } catch (err) {
    throw new UnusableMailError(`the message cannot be read (${(err as Error).name})`);
  }
}

function sessionFacts(session: SMTPServerSession) {
  const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
  return { ip: session.remoteAddress, helo: session.hostNameAppearsAs, mailFrom };
}

/** The whole message, or undefined when it went over the size limit (the rest is read and dropped). */
async function readMessage(stream: SMTPServerDataStream): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    if (!stream.sizeExceeded) chunks.push(chunk as Buffer);
  }
  return stream.sizeExceeded ? undefined : Buffer.concat(chunks);
}
