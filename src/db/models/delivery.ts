import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * One external effect that must happen once (a card post, a thread note, a mail, a DM, a summary), keyed
 * by src/db/once-keys.ts. Moved through `pending → sending → done` by src/db/once.ts only.
 */
const deliverySchema = new Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    ticketId: Schema.Types.ObjectId,
    state: { type: String, enum: ['pending', 'sending', 'done'], required: true },
    /** The current holder's claim (a fresh id each claim): writes of a holder whose claim was taken over match nothing. */
    owner: String,
    /** Until when the holder may work; past it another worker may take the claim over. Real time. */
    deadline: Date,
    /** An earlier attempt may have reached Slack or SMTP: the next one checks before sending again. */
    uncertain: { type: Boolean, default: false },
    attempts: { type: Number, default: 0 },
    lastError: String,
    /** What the effect produced (channel/ts of a message…), for callers and for later runs that find it done. */
    result: Schema.Types.Mixed,
    /** The job that performs it, so the reconcile sweep can ask for it again without knowing the kind. */
    job: { name: String, data: Schema.Types.Mixed },
    /** Business time (the injected clock) of the first attempt. */
    createdAt: { type: Date, required: true },
    doneAt: Date,
  },
  { versionKey: false, minimize: false },
);
// Reconcile walks what is not done in order; summaries look up the previous one of their kind.
deliverySchema.index({ state: 1, createdAt: 1, _id: 1 });
deliverySchema.index({ kind: 1, state: 1, createdAt: -1 });

export type DeliveryFields = InferSchemaType<typeof deliverySchema>;

export function deliveryModel(conn: Connection) {
  return conn.model('Delivery', deliverySchema, 'deliveries');
}
