import { Schema, type Connection } from 'mongoose';

/** A short-lived exclusive claim on a key (see src/db/lease.ts). */
const leaseSchema = new Schema(
  {
    _id: { type: String, required: true },
    owner: { type: String, required: true },
    until: { type: Date, required: true },
  },
  { versionKey: false },
);

export function leaseModel(conn: Connection) {
  return conn.model('Lease', leaseSchema, 'leases');
}
