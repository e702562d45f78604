import mongoose, { type Connection } from 'mongoose';
import type { Logger } from '../logger.js';
import { DataFolderError } from './data-folder.js';
import { startEmbeddedServer, type EmbeddedServer } from './embedded.js';

export class DatabaseError extends Error {
  override name = 'DatabaseError';
}

/** `mongodb://user:secret@db.example.com:27017/x` → `db.example.com:27017`: safe to log and show. */
export function describeUri(uri: string): string {
  try {
    return new URL(uri.replace(/^mongodb(\+srv)?:/, 'http:')).host || uri.replace(/\/\/[^@]*@/, '//');
  } catch {
    return uri.replace(/\/\/[^@/]*@/, '//***@');
  }
}

export async function connectDatabase(uri: string, logger: Logger, dbName?: string): Promise<Connection> {
  const conn = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: 5000,
    autoIndex: false,
    ...(dbName ? { dbName } : {}),
  });
  try {
    await conn.asPromise();
  } catch (err) {
    await conn.close().catch(() => undefined);
    throw new DatabaseError(
      `Cannot connect to MongoDB at ${describeUri(uri)}: ${(err as Error).message}. Check that the server runs and that MONGODB_URI is right.`,
    );
  }
  logger.info({ host: describeUri(uri), db: conn.name, server: await describeServer(conn) }, 'database connected');
  return conn;
}

/** Which server answers: `SecantusDB 0.7.0b3 (MongoDB 8.2.11 compatible)` or `MongoDB 8.0.4`, for the log and /healthz. */
export async function describeServer(conn: Connection): Promise<string> {
  try {
    const info = await conn.db!.admin().command({ buildInfo: 1 });
    return info.secantusVersion
      ? `SecantusDB ${info.secantusVersion} (MongoDB ${info.version} compatible)`
      : `MongoDB ${info.version}`;
  } catch {
    return 'unknown server';
  }
}

/** Starts the embedded database under DATA_DIR so tickets survive a restart. */
export async function startEmbeddedDatabase(dataDir: string, logger: Logger): Promise<EmbeddedServer> {
  try {
    const server = await startEmbeddedServer(dataDir);
    if (server.movedFrom) logger.warn({ from: server.movedFrom }, 'database folder of an earlier version moved');
    logger.info({ server: server.kind, dataDir }, 'embedded database started (set MONGODB_URI to use your own server)');
    return server;
  } catch (err) {
    if (err instanceof DataFolderError) throw new DatabaseError(err.message);
    throw new DatabaseError(
      `MONGODB_URI is not set and no embedded database could start (${(err as Error).message}). ` +
        'Set MONGODB_URI=mongodb://host:27017/deskbell to use a running MongoDB server.',
    );
  }
}
