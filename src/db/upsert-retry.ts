/**
 * The one place Deskbell works around a difference between SecantusDB (the offline fallback database)
 * and MongoDB: when several clients upsert the same filter at the same moment, SecantusDB's
 * `findOneAndUpdate({ upsert: true })` may answer `null`, which MongoDB never does. Agenda's unique
 * enqueue reports that as "findOneAndUpdate with upsert should always return a document". MongoDB itself
 * may answer an upsert race with a duplicate-key error (E11000), which the same retry covers.
 *
 * Retrying is safe because every caller's upsert is idempotent: the second attempt finds the document
 * the racing client inserted. See test/upsert-retry.test.ts.
 */
export const UPSERT_NULL_MESSAGE = 'findOneAndUpdate with upsert should always return a document';

export function isUpsertRace(err: unknown): boolean {
  const e = err as { code?: number; message?: string } | undefined;
  return e?.code === 11000 || (typeof e?.message === 'string' && e.message.includes(UPSERT_NULL_MESSAGE));
}

/** Runs an idempotent upsert, once more (then twice more) when it lost an upsert race. */
export async function withUpsertRetry<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await run();
    } catch (err) {
      if (i >= attempts || !isUpsertRace(err)) throw err;
      await new Promise((r) => setTimeout(r, 5 * i));
    }
  }
}

/** A `findOneAndUpdate` upsert that always yields the document, as MongoDB's does. */
export async function upsertAndGet<T>(run: () => Promise<T | null>): Promise<T> {
  return withUpsertRetry(async () => {
    const doc = await run();
    if (doc === null) throw new Error(UPSERT_NULL_MESSAGE);
    return doc;
  });
}
