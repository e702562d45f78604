import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * One immediate effect the app owes the outside world (post a card, send a mail, open a war room…), worked
 * by the delivery worker (src/delivery/worker.ts) through src/db/effect-queue.ts only. The key is the
 * effect itself, so asking twice for the same effect can never make two units of work. A record exists
 * while the effect is wanted or being worked; it is deleted when done.
 */
const effectSchema = new Schema(
  {
    /** `<name>:<data values>`: one record per effect. */
    _id: { type: String, required: true },
    name: { type: String, required: true },
    data: { type: Schema.Types.Mixed, default: {} },
    /** Asked for and not yet taken by a worker since the ask. */
    wanted: { type: Boolean, default: true },
    /**
     * When a worker should next look at it (real time): when it is due while waiting, the holder's deadline
     * while worked, unset when nothing is owed. The one indexed query every worker polls.
     */
    nextAt: Date,
    /** The earliest time an ask made while the effect was being worked wants it again. */
    askedAt: Date,
    /** The current holder's claim (fresh each claim); a holder whose claim was taken over writes nothing. */
    owner: String,
    /** Failed attempts in a row (the backoff's exponent). */
    attempts: { type: Number, default: 0 },
    lastError: String,
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);
effectSchema.index({ nextAt: 1 }, { sparse: true });

export type EffectFields = InferSchemaType<typeof effectSchema>;

export function effectModel(conn: Connection) {
  return conn.model('Effect', effectSchema, 'effects');
}
