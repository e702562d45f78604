import type { TestProject } from 'vitest/node';
import { startTestDatabase } from './support/database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
    mongoKind: string;
  }
}

/** One database server for the run (each test file uses its own database on it). */
export default async function setup(project: TestProject) {
  const database = await startTestDatabase();
  console.log(`[test db] using ${database.kind}${database.kind === 'MONGODB_URI' ? '' : ` at ${database.uri}`}`);
  project.provide('mongoUri', database.uri);
  project.provide('mongoKind', database.kind);
  return () => database.stop();
}
