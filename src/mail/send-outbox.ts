import type { Models } from '../db/models/index.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Mailer } from './mailer.js';

/**
 * Sends one outbox mail. Marked sent right after the SMTP server accepts it; a crash in between resends
 * with the same Message-ID, which receiving servers and clients treat as the same message.
 */
export async function sendOutboxMail(deps: { models: Models; mailer: Mailer; clock: Clock; logger: Logger }, outboxId: string): Promise<void> {
  const now = new Date();
  const mail = await deps.models.OutboundMail.findOneAndUpdate(
    { _id: outboxId, status: 'queued', claimUntil: { $not: { $gt: now } } },
    { $set: { claimUntil: new Date(now.getTime() + 60_000) } },
  );
  if (!mail) {
    const current = await deps.models.OutboundMail.findById(outboxId, { status: 1 }).lean();
    if (!current || current.status === 'sent') return;
    throw new Error(`mail ${outboxId} is being sent by another worker`);
  }
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
    await deps.models.OutboundMail.updateOne({ _id: outboxId }, { $inc: { attempts: 1 }, $set: { lastError: (err as Error).message, claimUntil: null } });
    throw err;
  }
  await deps.models.OutboundMail.updateOne({ _id: outboxId }, { $set: { status: 'sent', sentAt: deps.clock.now(), claimUntil: null }, $inc: { attempts: 1 } });
  deps.logger.info({ outboxId, kind: mail.kind }, 'mail sent');
}
