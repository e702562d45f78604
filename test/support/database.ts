import { startEmbeddedServer } from '../../src/db/embedded.js';

export interface TestDatabase {
  uri: string;
  kind: string;
  stop(): Promise<void>;
}

/** The database tests and benchmarks run against: MONGODB_URI if set, else the embedded chain in a temporary folder. */
export async function startTestDatabase(): Promise<TestDatabase> {
  if (process.env.MONGODB_URI)
    return { uri: process.env.MONGODB_URI, kind: 'MONGODB_URI', stop: async () => undefined };
  try {
    return await startEmbeddedServer();
  } catch (err) {
    throw new Error(`No test database: MONGODB_URI is unset and ${(err as Error).message}`);
  }
}
