import { Schema, type Connection } from 'mongoose';
import { withUpsertRetry } from '../upsert-retry.js';

const counterSchema = new Schema(
  { _id: { type: String, required: true }, seq: { type: Number, required: true } },
  { versionKey: false },
);

export function counterModel(conn: Connection) {
  return conn.model('Counter', counterSchema, 'counters');
}

type CounterModel = ReturnType<typeof counterModel>;

const started = new WeakMap<CounterModel, Set<string>>();

/**
 * Takes the next number of a sequence (tickets, incidents): one atomic `$inc` on the sequence's document,
 * so numbers are unique and never reused. The sequence is created once, starting after `start`; `$max`
 * makes that idempotent and keeps a higher value already stored.
 */
export async function nextSequence(model: CounterModel, name: string, start = 1000, retry = true): Promise<number> {
  const known = started.get(model) ?? new Set<string>();
  if (!known.has(name)) {
    await withUpsertRetry(() => model.updateOne({ _id: name }, { $max: { seq: start } }, { upsert: true }));
    known.add(name);
    started.set(model, known);
  }
  const doc = await model.findOneAndUpdate({ _id: name }, { $inc: { seq: 1 } }, { returnDocument: 'after' }).lean();
  if (!doc) {
    // The collection was dropped since this process created the sequence (tests do): create it again.
    known.delete(name);
    if (retry) return nextSequence(model, name, start, false);
    throw new Error(`sequence ${name} could not be created`);
  }
  return doc.seq;
}
