import type { Models } from '../db/models/index.js';
import type { OutboundMailDoc } from '../db/models/outbound-mail.js';
import { deliverOnce } from '../db/once.js';
import { DeliveryKinds, OnceKeys } from '../db/once-keys.js';
import { BusyElsewhereError } from '../slack/errors.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Mailer } from './mailer.js';

/** Real milliseconds a worker may hold a mail: far above the SMTP client's timeouts (src/mail/mailer.ts). */
export const MAIL_CLAIM_MS = 120_000;

/**
 * Sends one outbox mail once (src/db/once.ts). SMTP offers no way to ask whether a message arrived, so
 * after an attempt that may have reached the server the mail is sent again with the same Message-ID,
 * which receiving servers and mail clients treat as the same message.
 */
export async function sendOutboxMail(
  deps: { models: Models; mailer: Mailer; clock: Clock; logger: Logger },
  outboxId: string,
  job?: { name: string; data: Record<string, string> },
  /** The outbox mail when the caller has just stored it (saves reading it back). */
  stored?: OutboundMailDoc,
): Promise<void> {
  const mail = stored ?? (await deps.models.OutboundMail.findById(outboxId));
  if (!mail || mail.status === 'sent') return;
  const outcome = await deliverOnce(deps.models, {
    key: OnceKeys.mail(outboxId),
    kind: DeliveryKinds.mail,
    ticketId: mail.ticketId,
    at: deps.clock.now(),
    deadlineMs: MAIL_CLAIM_MS,
    ...(job ? { job } : {}),
    send: async () => {
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
        await deps.models.OutboundMail.updateOne({ _id: outboxId }, { $inc: { attempts: 1 }, $set: { lastError: (err as Error).message } });
        throw err;
      }
      return { messageId: mail.messageId };
    },
  });
  if (outcome.status === 'busy') throw new BusyElsewhereError(`another worker is sending mail ${outboxId}`);
  // The outbox's own status is for people and reports; the delivery record is what keeps it to one send.
  await deps.models.OutboundMail.updateOne({ _id: outboxId, status: { $ne: 'sent' } }, { $set: { status: 'sent', sentAt: deps.clock.now() }, $inc: { attempts: 1 } });
  // Every subject starts with its ticket's key (ticketSubject): the log names it without another read.
  const ticket = /^\[([A-Z]+-\d+)\]/.exec(mail.subject)?.[1];
  if (outcome.by === 'sent') deps.logger.info({ ticket, outboxId, kind: mail.kind }, 'mail sent');
}
