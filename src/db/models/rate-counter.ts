import { Schema, type Connection } from 'mongoose';

/**
 * Hits per key and fixed time window (`<key>@<window start>`), shared by every process. Only the current
 * window of a key matters; MongoDB's TTL monitor removes a window once it is over.
 */
const rateCounterSchema = new Schema(
  {
    _id: { type: String, required: true },
    count: { type: Number, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false },
);
rateCounterSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export function rateCounterModel(conn: Connection) {
  return conn.model('RateCounter', rateCounterSchema, 'rate_counters');
}
