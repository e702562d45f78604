import { join } from 'node:path';
import { engineOf } from './data-folder.js';
import { findSecantusDb } from './embedded.js';

/** Whether SecantusDB must be installed before the embedded chain can start, and why, decided without starting anything. */
export interface EmbeddedPlan {
  installSecantusDb: boolean;
  reason: string;
}

/**
 * `dataDir`: the folder `npm start` keeps its database in (its current and earlier-version subfolders are
 * read); undefined for the tests' temporary server. MONGODB_URI is the caller's business.
 */
export async function planEmbedded(
  dataDir: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<EmbeddedPlan> {
  const installed = findSecantusDb(env);
  const engines = dataDir ? ['database', 'mongodb', 'secantusdb'].map((f) => engineOf(join(dataDir, f))) : [];
  if (engines.includes('mongodb') && !engines.includes('secantusdb')) {
    return { installSecantusDb: false, reason: `${dataDir} holds a MongoDB database` };
  }
  if (engines.includes('secantusdb')) {
    return installed
      ? { installSecantusDb: false, reason: `SecantusDB is installed (${installed})` }
      : { installSecantusDb: true, reason: `${dataDir} holds a SecantusDB database, and SecantusDB is not installed` };
  }
  if (installed) return { installSecantusDb: false, reason: `SecantusDB is installed (${installed})` };
  const mongod = await localMongoBinary();
  if (mongod) return { installSecantusDb: false, reason: `a MongoDB binary is available (${mongod})` };
  return { installSecantusDb: true, reason: 'no MongoDB binary is available here and SecantusDB is not installed' };
}

/** A mongod mongodb-memory-server can use without downloading: MONGOMS_SYSTEM_BINARY or its cache. */
async function localMongoBinary(): Promise<string | undefined> {
  try {
    const { DryMongoBinary } = await import('mongodb-memory-server');
    return await DryMongoBinary.locateBinary(DryMongoBinary.getEnsuredOptions());
  } catch {
    return undefined;
  }
}
