import type { Models } from '../db/models/index.js';
import type { OutboundMailDoc } from '../db/models/outbound-mail.js';
import { deliverOnce } from '../db/once.js';
import { DeliveryKinds, OnceKeys } from '../db/once-keys.js';
import { BusyElsewhereError } from '../slack/errors.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Mailer } from './mailer.js';
import type { Config } from '../config.js';
import { HOUR_MS, takeRate } from '../db/rate-limit.js';
import { normalisedAddress } from '../domain/mail-address.js';

/**
 * Mail nobody wrote to this one requester by hand: acknowledgements and mail to many (incidents, storms,
 * a linked bug's fix). One cap per recipient
 * (MAIL_AUTO_MAX_PER_HOUR, on the normalised address, shared by every process) bounds how much of it any
 * address can be made to receive, however the senders that trigger it are spoofed or multiplied.
 */
export const AUTOMATIC_KINDS = new Set([
  'acknowledgement',
  'incident_update',
  'incident_resolution',
  'storm_reply',
  'bug_fix',
]);

type SendDeps = {
  models: Models;
  mailer: Mailer;
  clock: Clock;
  logger: Logger;
  config: Pick<Config, 'MAIL_AUTO_MAX_PER_HOUR'>;
};

/** Real milliseconds a worker may hold a mail: far above the SMTP client's timeouts (src/mail/mailer.ts). */
export const MAIL_CLAIM_MS = 120_000;

/**
 * Sends one outbox mail once (src/db/once.ts). SMTP offers no way to ask whether a message arrived, so
 * after an attempt that may have reached the server the mail is sent again with the same Message-ID,
 * which receiving servers and mail clients treat as the same message.
 */
export async function sendOutboxMail(
  deps: SendDeps,
  outboxId: string,
  job?: { name: string; data: Record<string, string> },
  /** The outbox mail when the caller has just stored it (saves reading it back). */
  stored?: OutboundMailDoc,
): Promise<void> {
  const mail = stored ?? (await deps.models.OutboundMail.findById(outboxId));
  if (!mail || mail.status !== 'queued') return;
  const outcome = await deliverOnce(deps.models, {
    key: OnceKeys.mail(outboxId),
    kind: DeliveryKinds.mail,
    ticketId: mail.ticketId,
    at: deps.clock.now(),
    deadlineMs: MAIL_CLAIM_MS,
    ...(job ? { job } : {}),
    send: async () => {
      // Decided under the send's claim, so a mail is counted against its recipient's cap once.
      if (!(await withinAutoCap(deps, mail))) return { messageId: mail.messageId };
      try {
        await deps.mailer.send({
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          messageId: mail.messageId,
          inReplyTo: mail.inReplyTo ?? undefined,
          references: mail.references?.length ? mail.references : undefined,
          headers: (mail.headers as Record<string, string> | undefined) ?? undefined,
        });
      } catch (err) {
        await deps.models.OutboundMail.updateOne(
          { _id: outboxId },
          { $inc: { attempts: 1 }, $set: { lastError: (err as Error).message } },
        );
        throw err;
      }
      return { messageId: mail.messageId };
    },
  });
  if (outcome.status === 'busy') throw new BusyElsewhereError(`another worker is sending mail ${outboxId}`);
  // The outbox's own status is for people and reports; the delivery record is what keeps it to one send.
  await deps.models.OutboundMail.updateOne(
    { _id: outboxId, status: 'queued' },
    { $set: { status: 'sent', sentAt: deps.clock.now() }, $inc: { attempts: 1 } },
  );
  // Every subject starts with its ticket's key (ticketSubject): the log names it without another read.
  const ticket = /^\[([A-Z]+-\d+)\]/.exec(mail.subject)?.[1];
  if (outcome.by === 'sent') deps.logger.info({ ticket, outboxId, kind: mail.kind }, 'mail sent');
}

/** Counts an automatic mail against its recipient's cap once (the decision is stored on the mail); false: withheld. */
async function withinAutoCap(deps: SendDeps, mail: OutboundMailDoc): Promise<boolean> {
  if (!AUTOMATIC_KINDS.has(mail.kind)) return true;
  const earlier = await deps.models.OutboundMail.findById(mail._id, { cap: 1 }).lean();
  if (earlier?.cap) return earlier.cap === 'within';
  const limit = deps.config.MAIL_AUTO_MAX_PER_HOUR;
  const rate = await takeRate(deps.models, `auto-mail:${normalisedAddress(mail.to)}`, limit, HOUR_MS, deps.clock.now());
  const over = { status: 'withheld', lastError: `recipient reached MAIL_AUTO_MAX_PER_HOUR (${limit})` };
  await deps.models.OutboundMail.updateOne(
    { _id: mail._id },
    { $set: { cap: rate.allowed ? 'within' : 'over', ...(rate.allowed ? {} : over) } },
  );
  if (!rate.allowed)
    deps.logger.warn(
      { outboxId: mail._id, kind: mail.kind, limit },
      'automatic mail withheld: recipient at its hourly cap',
    );
  return rate.allowed;
}
