import { Schema, type Connection } from 'mongoose';

/**
 * Where a periodic sweep got to: the reconcile sweep's position in the tickets (`lastId`), and when any
 * process last finished an SLA sweep (for /healthz).
 */
const checkpointSchema = new Schema(
  {
    _id: { type: String, required: true },
    at: { type: Date, required: true },
    lastId: { type: Schema.Types.ObjectId },
  },
  { versionKey: false },
);

export function checkpointModel(conn: Connection) {
  return conn.model('Checkpoint', checkpointSchema, 'checkpoints');
}
