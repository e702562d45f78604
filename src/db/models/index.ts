import type { Connection } from 'mongoose';

/** Every model bound to one connection, so tests and several app instances never share mongoose globals. */
export function bindModels(conn: Connection) {
  void conn;
  return {} as Record<string, { createIndexes(): Promise<unknown> }>;
}

export type Models = ReturnType<typeof bindModels>;

/** Builds the indexes the queries rely on; run at start (autoIndex is off so this happens once, visibly). */
export async function ensureIndexes(models: Models): Promise<void> {
  await Promise.all(Object.values(models).map((m) => m.createIndexes()));
}
