import { existsSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The embedded database keeps its files in one folder, `DATA_DIR/database`, whichever server runs: the
 * server is chosen by what the folder already holds, so tickets never seem to vanish because another
 * server started this time. MongoDB and SecantusDB both use WiredTiger but cannot read each other's files.
 */
export type Engine = 'mongodb' | 'secantusdb';

export class DataFolderError extends Error {
  override name = 'DataFolderError';
}

/** Files only one of the two servers writes: MongoDB's catalog, SecantusDB's collection table. */
const SIGNATURES: Record<Engine, string[]> = {
  mongodb: ['_mdb_catalog.wt', 'storage.bson'],
  secantusdb: ['secantus_collections.wt'],
};

/** Which server's files the folder holds; undefined when it is empty, absent, or holds neither's catalog. */
export function engineOf(folder: string): Engine | undefined {
  if (!existsSync(folder)) return undefined;
  const files = new Set(readdirSync(folder));
  const found = (Object.keys(SIGNATURES) as Engine[]).filter((e) => SIGNATURES[e].some((f) => files.has(f)));
  if (found.length > 1) throw new DataFolderError(`${folder} holds files of both MongoDB and SecantusDB; move it away`);
  return found[0];
}

/**
 * `DATA_DIR/database`, after moving in the folder of an earlier version (`DATA_DIR/mongodb` or
 * `DATA_DIR/secantusdb`, one per server) when only one of them holds data.
 */
export function databaseFolder(dataDir: string): { folder: string; moved?: string } {
  const folder = join(dataDir, 'database');
  if (engineOf(folder)) return { folder };
  const earlier = (['mongodb', 'secantusdb'] as const).map((e) => join(dataDir, e)).filter((f) => engineOf(f));
  if (earlier.length > 1) {
    throw new DataFolderError(
      `${dataDir} holds two databases of earlier versions (${earlier.join(', ')}): keep the one with your ` +
        `tickets as ${folder} and move the other away`,
    );
  }
  if (!earlier[0]) return { folder };
  if (existsSync(folder)) renameSync(folder, `${folder}.empty-${Date.now()}`);
  renameSync(earlier[0], folder);
  return { folder, moved: earlier[0] };
}

/** Why the server that wrote the folder must start, and what to do when it cannot. */
export function refusal(folder: string, engine: Engine, reason: string): DataFolderError {
  const other = engine === 'mongodb' ? 'SecantusDB' : 'MongoDB';
  const name = engine === 'mongodb' ? 'MongoDB' : 'SecantusDB';
  const fix =
    engine === 'mongodb'
      ? 'make a mongod binary available (MONGOMS_SYSTEM_BINARY=/path/to/mongod)'
      : 'install it with `npm run secantusdb` (python3 needed)';
  return new DataFolderError(
    `${folder} holds ${name}'s files, and ${other} cannot read them, but ${name} could not start (${reason}). ` +
      `To keep these tickets, ${fix}; to start empty, move the folder away; or set MONGODB_URI.`,
  );
}
