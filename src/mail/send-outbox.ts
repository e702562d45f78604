import type { Models } from '../db/models/index.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Mailer } from './mailer.js';
import { withLease } from '../db/lease.js';

/**
 * Sends one outbox mail. Marked sent right after the SMTP server accepts it; a crash in between resends
 * with the same Message-ID, which receiving servers and clients treat as the same message.
 */
export async function sendOutboxMail(deps: { models: Models; mailer: Mailer; clock: Clock; logger: Logger }, outboxId: string): Promise<void> {
  // One sender at a time across processes (see src/db/lease.ts); a busy lease fails the job, which retries.
  await withLease(deps.models.Lease, `mail:${outboxId}`, () => sendOnce(deps, outboxId), { ttlMs: 120_000, waitMs: 0 });
}

async function sendOnce(deps: { models: Models; mailer: Mailer; clock: Clock; logger: Logger }, outboxId: string): Promise<void> {
  const mail = await deps.models.OutboundMail.findById(outboxId);
  if (!mail || mail.status === 'sent') return;
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
  await deps.models.OutboundMail.updateOne({ _id: outboxId }, { $set: { status: 'sent', sentAt: deps.clock.now() }, $inc: { attempts: 1 } });
  deps.logger.info({ outboxId, kind: mail.kind }, 'mail sent');
}
