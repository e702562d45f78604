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
import type { OutboxRecord } from '../domain/outbox.js';
import { isDuplicateKeyError } from '../db/models/idempotency-key.js';

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
        await deps.mailer.send(smtpMessage(mail));
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
  if (outcome.by === 'sent')
    deps.logger.info({ ticket: subjectKey(mail.subject), outboxId, kind: mail.kind }, 'mail sent');
}

/**
 * Sends a mail that is not in the outbox yet, under a claim its caller holds (a new ticket's
 * acknowledgement: the ticket's insert recorded that it is owed, and its intake claim keeps it to one
 * sender), then stores it in the outbox as sent or withheld, in one write. If SMTP refuses, it is stored
 * queued and the error is thrown, so the caller asks for it as an effect of its own (same Message-ID).
 */
export async function sendUnderClaim(deps: SendDeps, mail: OutboxRecord): Promise<void> {
  const within = !AUTOMATIC_KINDS.has(mail.kind) || (await takeAutoCap(deps, mail));
  const cap = AUTOMATIC_KINDS.has(mail.kind) ? { cap: within ? ('within' as const) : ('over' as const) } : {};
  const store = (fields: object) =>
    deps.models.OutboundMail.create({ ...mail, ...cap, ...fields }).catch((err: unknown) => {
      // Stored meanwhile by a repair that took the claim over: that one is the record.
      if (!isDuplicateKeyError(err)) throw err;
    });
  if (!within) {
    await store({ status: 'withheld', lastError: autoCapError(deps) });
    return;
  }
  try {
    await deps.mailer.send(smtpMessage(mail));
  } catch (err) {
    await store({ status: 'queued', attempts: 1, lastError: (err as Error).message });
    throw err;
  }
  await store({ status: 'sent', sentAt: deps.clock.now(), attempts: 1 });
  deps.logger.info({ ticket: subjectKey(mail.subject), outboxId: mail._id, kind: mail.kind }, 'mail sent');
}

type StoredMail = Pick<OutboxRecord, 'to' | 'subject' | 'text' | 'messageId'> & {
  inReplyTo?: string | null;
  references?: string[] | null;
  headers?: unknown;
};

function smtpMessage(mail: StoredMail) {
  return {
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    messageId: mail.messageId,
    inReplyTo: mail.inReplyTo ?? undefined,
    references: mail.references?.length ? mail.references : undefined,
    headers: (mail.headers as Record<string, string> | undefined) ?? undefined,
  };
}

/** Every subject starts with its ticket's key (ticketSubject): the log names it without another read. */
function subjectKey(subject: string): string | undefined {
  return /^\[([A-Z]+-\d+)\]/.exec(subject)?.[1];
}

function autoCapError(deps: SendDeps): string {
  return `recipient reached MAIL_AUTO_MAX_PER_HOUR (${deps.config.MAIL_AUTO_MAX_PER_HOUR})`;
}

/** Counts an automatic mail against its recipient's hourly cap (shared by every process); false: over it. */
async function takeAutoCap(deps: SendDeps, mail: { _id: unknown; kind: string; to: string }): Promise<boolean> {
  const limit = deps.config.MAIL_AUTO_MAX_PER_HOUR;
  const rate = await takeRate(deps.models, `auto-mail:${normalisedAddress(mail.to)}`, limit, HOUR_MS, deps.clock.now());
  if (!rate.allowed)
    deps.logger.warn(
      { outboxId: mail._id, kind: mail.kind, limit },
      'automatic mail withheld: recipient at its hourly cap',
    );
  return rate.allowed;
}

/** Counts an automatic mail against its recipient's cap once (the decision is stored on the mail); false: withheld. */
async function withinAutoCap(deps: SendDeps, mail: OutboundMailDoc): Promise<boolean> {
  if (!AUTOMATIC_KINDS.has(mail.kind)) return true;
  const earlier = await deps.models.OutboundMail.findById(mail._id, { cap: 1 }).lean();
  if (earlier?.cap) return earlier.cap === 'within';
  const allowed = await takeAutoCap(deps, mail);
  const over = { status: 'withheld', lastError: autoCapError(deps) };
  await deps.models.OutboundMail.updateOne(
    { _id: mail._id },
    { $set: { cap: allowed ? 'within' : 'over', ...(allowed ? {} : over) } },
  );
  return allowed;
}
