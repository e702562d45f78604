import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * The contents of one file that came with a mail, kept apart from the ticket so the ticket document stays
 * small (a ticket is read on every card render). The `_id` is derived from the mail and the file's position
 * in it, so a redelivered mail stores nothing twice. Only files up to ATTACHMENT_KEEP_MAX_BYTES are stored;
 * the ticket lists every file with `stored` telling which ones.
 */
const attachmentSchema = new Schema(
  {
    /** Dedupe key of the mail the file came with (`email:msgid:…` / `email:hash:…`). */
    mailKey: { type: String, required: true },
    /** Set once the mail's ticket is known. */
    ticketId: Schema.Types.ObjectId,
    filename: { type: String, required: true },
    contentType: { type: String, required: true },
    size: { type: Number, required: true },
    /** The contents, for files up to INLINE_CONTENT_MAX_BYTES; larger ones are in GridFS (`gridFsId`). */
    content: Buffer,
    /** The contents' GridFS file in the `attachment_contents` bucket (same id as this document). */
    gridFsId: Schema.Types.ObjectId,
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
attachmentSchema.index({ ticketId: 1 });
attachmentSchema.index({ mailKey: 1 });

/** Larger contents go to GridFS: a document holds at most 16 MB, and a large one is slow to read whole. */
export const INLINE_CONTENT_MAX_BYTES = 1024 * 1024;
export const ATTACHMENT_BUCKET = 'attachment_contents';

export type AttachmentFields = InferSchemaType<typeof attachmentSchema>;

export function attachmentModel(conn: Connection) {
  return conn.model('Attachment', attachmentSchema, 'attachments');
}
