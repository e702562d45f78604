import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFerretDb, startFerretDb, startMemoryServer } from '../../src/db/embedded.js';

export interface TestDatabase {
  uri: string;
  kind: string;
  stop(): Promise<void>;
}

/**
 * The database tests and benchmarks run against: MONGODB_URI if set, else a FerretDB binary (SQLite in a
 * temp folder, removed on stop), else mongodb-memory-server.
 */
export async function startTestDatabase(label = 'deskbell'): Promise<TestDatabase> {
  if (process.env.MONGODB_URI) return { uri: process.env.MONGODB_URI, kind: 'MONGODB_URI', stop: async () => undefined };
  const ferret = findFerretDb();
  if (ferret) {
    const dir = mkdtempSync(join(tmpdir(), `${label}-ferretdb-`));
    const server = await startFerretDb(ferret, dir);
    return { uri: server.uri, kind: server.kind, stop: async () => (await server.stop(), rmSync(dir, { recursive: true, force: true })) };
  }
  try {
    const server = await startMemoryServer();
    return { uri: server.uri, kind: server.kind, stop: () => server.stop() };
  } catch (err) {
    throw new Error(
      `No test database: MONGODB_URI is unset, no FerretDB binary was found (run \`npm run ferretdb\`), and mongodb-memory-server failed: ${(err as Error).message}`,
    );
  }
}
