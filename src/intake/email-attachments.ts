import { createHash } from 'node:crypto';
import { mongo, Types } from 'mongoose';
import { isDuplicateKeyError } from '../db/models/idempotency-key.js';
import type { DomainDeps } from '../domain/deps.js';
import type { AttachmentRecord } from '../domain/requester-reply.js';
import type { InboundAttachment } from './email-message.js';
import { ATTACHMENT_BUCKET, INLINE_CONTENT_MAX_BYTES } from '../db/models/attachment.js';

/** Writes a file's contents to GridFS under `id` (once: a redelivery finds it there). */
async function storeInGridFs(
  deps: Pick<DomainDeps, 'models'>,
  id: Types.ObjectId,
  filename: string,
  content: Buffer,
): Promise<void> {
  const db = deps.models.Attachment.db.db;
  if (!db) throw new Error('the database is not connected');
  const bucket = new mongo.GridFSBucket(db, { bucketName: ATTACHMENT_BUCKET });
  const done = await db.collection(`${ATTACHMENT_BUCKET}.files`).findOne({ _id: id }, { projection: { length: 1 } });
  if (done?.length === content.length) return;
  if (done) await bucket.delete(id);
  await new Promise<void>((resolve, reject) => {
    const upload = bucket.openUploadStreamWithId(id, filename);
    upload.once('finish', () => resolve());
    upload.once('error', reject);
    upload.end(content);
  });
}

/** A kept file's contents, wherever they are (the document, or GridFS for large files). */
export async function attachmentContent(
  deps: Pick<DomainDeps, 'models'>,
  id: Types.ObjectId,
): Promise<Buffer | undefined> {
  const doc = await deps.models.Attachment.findById(id);
  if (!doc) return undefined;
  if (doc.content) return Buffer.from(doc.content);
  const db = deps.models.Attachment.db.db!;
  const chunks: Buffer[] = [];
  for await (const chunk of new mongo.GridFSBucket(db, { bucketName: ATTACHMENT_BUCKET }).openDownloadStream(
    doc.gridFsId!,
  ))
    chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

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
    const base = {
      filename: file.filename.slice(0, 255),
      contentType: file.contentType.slice(0, 127),
      size: file.size,
    };
    if (file.size > keepMaxBytes) {
      records.push({ ...base, stored: false });
      continue;
    }
    const _id = attachmentId(mailKey, i);
    if (!(await deps.models.Attachment.exists({ _id }))) {
      try {
        const large = file.content.length > INLINE_CONTENT_MAX_BYTES;
        if (large) await storeInGridFs(deps, _id, base.filename, file.content);
        await deps.models.Attachment.create({
          _id,
          mailKey,
          ticketId,
          ...base,
          ...(large ? { gridFsId: _id } : { content: file.content }),
          createdAt: deps.clock.now(),
        });
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
      }
    }
    records.push({ ...base, stored: true, contentId: _id });
  }
  return records;
}

/** Links a new ticket's files to it once the ticket exists. */
export async function linkAttachments(
  deps: Pick<DomainDeps, 'models'>,
  mailKey: string,
  ticketId: Types.ObjectId,
): Promise<void> {
  await deps.models.Attachment.updateMany({ mailKey, ticketId: { $in: [null] } }, { $set: { ticketId } });
}
