import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/** The outbox: every mail is stored (keyed by what it is for) before the durable job sends it. */
const outboundMailSchema = new Schema(
  {
    _id: { type: String, required: true },
    ticketId: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, required: true },
    to: { type: String, required: true },
    subject: { type: String, required: true },
    text: { type: String, required: true },
    messageId: { type: String, required: true },
    inReplyTo: String,
    references: [String],
    headers: Schema.Types.Mixed,
    /** `withheld`: never sent, the recipient reached MAIL_AUTO_MAX_PER_HOUR (see src/mail/send-outbox.ts). */
    status: { type: String, enum: ['queued', 'sent', 'withheld'], default: 'queued' },
    /** For automatic mail: whether it was counted within the recipient's hourly cap, decided once. */
    cap: { type: String, enum: ['within', 'over'] },
    attempts: { type: Number, default: 0 },
    lastError: String,
    createdAt: { type: Date, required: true },
    sentAt: Date,
  },
  { versionKey: false },
);
outboundMailSchema.index({ status: 1, createdAt: 1 });
// A reply joins the ticket whose mail it answers (In-Reply-To/References name one Deskbell sent).
outboundMailSchema.index({ messageId: 1 });
// ACK_MAX_PER_HOUR counts the acknowledgements an address got in the last hour.
outboundMailSchema.index({ to: 1, kind: 1, createdAt: 1 });

export type OutboundMailFields = InferSchemaType<typeof outboundMailSchema>;
export type OutboundMailDoc = InstanceType<ReturnType<typeof outboundMailModel>>;

export function outboundMailModel(conn: Connection) {
  return conn.model('OutboundMail', outboundMailSchema, 'outbound_mails');
}
