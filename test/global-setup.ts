import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { findFerretDb, startFerretDb, startMemoryServer, type EmbeddedServer } from '../src/db/embedded.js';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
    mongoKind: string;
  }
}

/** Picks the test database: MONGODB_URI if set, else a FerretDB binary, else mongodb-memory-server. */
export default async function setup(project: TestProject) {
  if (process.env.MONGODB_URI) {
    project.provide('mongoUri', process.env.MONGODB_URI);
    project.provide('mongoKind', 'MONGODB_URI');
    console.log('[test db] using MONGODB_URI');
    return;
  }
  let server: EmbeddedServer;
  let stateDir: string | undefined;
  const ferret = findFerretDb();
  if (ferret) {
    stateDir = mkdtempSync(join(tmpdir(), 'deskbell-ferretdb-'));
    server = await startFerretDb(ferret, stateDir);
  } else {
    try {
      server = await startMemoryServer();
    } catch (err) {
      throw new Error(
        `No test database: MONGODB_URI is unset, no FerretDB binary was found (run \`npm run ferretdb\`), and mongodb-memory-server failed: ${(err as Error).message}`,
      );
    }
  }
  console.log(`[test db] using ${server.kind} at ${server.uri}`);
  project.provide('mongoUri', server.uri);
  project.provide('mongoKind', server.kind);
  return async () => {
    await server.stop();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  };
}
