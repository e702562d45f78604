import { Schema, type Connection } from 'mongoose';

const counterSchema = new Schema({ _id: { type: String, required: true }, seq: { type: Number, required: true } }, { versionKey: false });

export function counterModel(conn: Connection) {
  return conn.model('Counter', counterSchema, 'counters');
}

/** Atomically takes the next number of a sequence; numbers are never reused, gaps are allowed. */
export async function nextSequence(model: ReturnType<typeof counterModel>, name: string, start = 1000): Promise<number> {
  const doc = await model.findOneAndUpdate({ _id: name }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after' }).lean();
  // First use: the upsert created seq=1; numbers start at `start` so ticket numbers look like SUP-1001.
  return (doc?.seq ?? 1) + start;
}
