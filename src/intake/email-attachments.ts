import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import { isDuplicateKeyError } from '../db/models/idempotency-key.js';
import type { DomainDeps } from '../domain/deps.js';
import type { AttachmentRecord } from '../domain/requester-reply.js';
import type { InboundAttachment } from './email-message.js';

/** Same mail, same file position → same document: a redelivery stores nothing twice. */
function attachmentId(mailKey: string, index: number): Types.ObjectId {
  return new Types.ObjectId(createHash('sha256').update(`${mailKey}#${index}`).digest('hex').slice(0, 24));
}

/**
 * Stores the contents of a mail's files up to `keepMaxBytes` each (before the ticket that lists them:
 * persist first) and returns what the ticket records about every file, kept or not.
 */
export async function storeAttachments(
  deps: Pick<DomainDeps, 'models' | 'clock'>,
  mailKey: string,
  files: InboundAttachment[],
  keepMaxBytes: number,
  ticketId?: Types.ObjectId,
): Promise<AttachmentRecord[]> {
  const records: AttachmentRecord[] = [];
  for (const [i, file] of files.entries()) {
    const base = { filename: file.filename.slice(0, 255), contentType: file.contentType.slice(0, 127), size: file.size };
    if (file.size > keepMaxBytes) {
      records.push({ ...base, stored: false });
      continue;
    }
    const _id = attachmentId(mailKey, i);
    if (!(await deps.models.Attachment.exists({ _id }))) {
      try {
        await deps.models.Attachment.create({ _id, mailKey, ticketId, ...base, content: file.content, createdAt: deps.clock.now() });
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
      }
    }
    records.push({ ...base, stored: true, contentId: _id });
  }
  return records;
}

/** Links a new ticket's files to it once the ticket exists. */
export async function linkAttachments(deps: Pick<DomainDeps, 'models'>, mailKey: string, ticketId: Types.ObjectId): Promise<void> {
  await deps.models.Attachment.updateMany({ mailKey, ticketId: { $in: [null] } }, { $set: { ticketId } });
}
