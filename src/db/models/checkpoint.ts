import { Schema, type Connection } from 'mongoose';

/** Where a sweep that walks a collection in order got to (the reconcile sweep's position in the tickets). */
const checkpointSchema = new Schema(
  {
    _id: { type: String, required: true },
    at: { type: Date, required: true },
    lastId: { type: Schema.Types.ObjectId, required: true },
  },
  { versionKey: false },
);

export function checkpointModel(conn: Connection) {
  return conn.model('Checkpoint', checkpointSchema, 'checkpoints');
}
