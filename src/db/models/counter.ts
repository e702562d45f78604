import { Schema, type Connection } from 'mongoose';
import { isDuplicateKeyError } from './idempotency-key.js';

const counterSchema = new Schema({ _id: { type: String, required: true }, seq: { type: Number, required: true } }, { versionKey: false });

export function counterModel(conn: Connection) {
  return conn.model('Counter', counterSchema, 'counters');
}

type CounterModel = ReturnType<typeof counterModel>;

/**
 * Takes the next number of a sequence: unique, never reused, gaps allowed (a number claimed by a request
 * that then failed stays taken).
 *
 * Each number is claimed by inserting `<name>#<n>` under the unique `_id`, which is atomic on every server.
 * `$inc` on one counter document is not: FerretDB applies concurrent updates non-atomically and hands the
 * same number to several callers. The `<name>` document only holds a hint of the last number taken, so a
 * claimant starts near the top instead of walking the whole sequence.
 */
export async function nextSequence(model: CounterModel, name: string, start = 1000): Promise<number> {
  const hint = (await model.findById(name).lean())?.seq ?? start;
  for (let candidate = hint + 1, attempt = 0; ; candidate++, attempt++) {
    try {
      await model.create({ _id: `${name}#${candidate}`, seq: candidate });
    } catch (err) {
      if (!isDuplicateKeyError(err) || attempt > 10_000) throw err;
      // Under a burst many claimants start from the same hint; re-read it now and then to skip ahead.
      if (attempt % 8 === 7) candidate = Math.max(candidate, ((await model.findById(name).lean())?.seq ?? start));
      continue;
    }
    // Raise the hint. A racing lower write may win; the next claimant then just skips a few taken numbers.
    await model.updateOne({ _id: name }, { $max: { seq: candidate } }, { upsert: true }).catch((err: unknown) => {
      if (!isDuplicateKeyError(err)) throw err;
    });
    return candidate;
  }
}
