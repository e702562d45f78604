import { Schema, type Connection } from 'mongoose';

/**
 * One document per side effect that must happen once. The key is the `_id`, so uniqueness holds on any
 * MongoDB-compatible server without a secondary index; a duplicate insert (E11000) means "already done or claimed".
 */
const keySchema = new Schema(
  {
    _id: { type: String, required: true },
    ticketId: Schema.Types.ObjectId,
    createdAt: { type: Date, required: true },
    data: Schema.Types.Mixed,
  },
  { versionKey: false },
);

export function idempotencyKeyModel(conn: Connection) {
  return conn.model('IdempotencyKey', keySchema, 'idempotency_keys');
}

export function isDuplicateKeyError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === 11000;
}
