import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { databaseFolder, engineOf, refusal } from './data-folder.js';

/**
 * The database chain when MONGODB_URI is not set: real MongoDB through mongodb-memory-server when it can
 * get a binary quickly, otherwise SecantusDB (a MongoDB-compatible server on WiredTiger) installed by
 * scripts/ensure-secantusdb.sh. Shared by `npm start`, the tests and the benchmarks.
 */
export type EmbeddedKind = 'mongodb-memory-server' | 'secantusdb';

export interface EmbeddedServer {
  kind: EmbeddedKind;
  uri: string;
  /** The folder of an earlier version that became `DATA_DIR/database` at this start. */
  movedFrom?: string;
  stop(): Promise<void>;
  /** Ends the server at once, for a shutdown out of time (a child process must not outlive Deskbell). */
  kill(): void;
}

export const SECANTUSDB_VERSION = '0.7.0b3';

/** SECANTUSD_BIN, else the cache that scripts/ensure-secantusdb.sh fills (DESKBELL_CACHE_DIR, default ~/.cache/deskbell). */
export function findSecantusDb(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.SECANTUSD_BIN && existsSync(env.SECANTUSD_BIN)) return env.SECANTUSD_BIN;
  const dir = join(env.DESKBELL_CACHE_DIR ?? join(homedir(), '.cache/deskbell'), 'secantusdb', SECANTUSDB_VERSION);
  const bin = join(dir, 'bin', 'secantusd-py');
  return existsSync(bin) && existsSync(join(dir, '.complete')) ? bin : undefined;
}

/**
 * `dataDir` keeps the files across restarts (npm start) in `dataDir/database`, started with the server whose
 * files it holds (see data-folder.ts); without it the server lives in a temporary folder removed on stop
 * (tests, benchmarks). Tries each server of the chain and says why each failed.
 */
export async function startEmbeddedServer(dataDir?: string): Promise<EmbeddedServer> {
  const { folder, moved } = dataDir ? databaseFolder(dataDir) : { folder: undefined, moved: undefined };
  const engine = folder && engineOf(folder);
  const failures: string[] = [];
  if (engine !== 'secantusdb') {
    try {
      return withMoved(await startMemoryServer(folder), moved);
    } catch (err) {
      if (folder && engine) throw refusal(folder, engine, firstLine(err));
      failures.push(`mongodb-memory-server: ${firstLine(err)}`);
    }
  }
  const bin = findSecantusDb();
  const reason = bin ? undefined : 'not installed (run `npm run secantusdb`, which needs python3)';
  if (bin) {
    try {
      return withMoved(await startSecantusDb(bin, folder), moved);
    } catch (err) {
      failures.push(`SecantusDB: ${firstLine(err)}`);
    }
  } else failures.push(`SecantusDB: ${reason}`);
  if (folder && engine) throw refusal(folder, engine, failures.at(-1)!.replace(/^SecantusDB: /, ''));
  throw new Error(failures.join('; '));
}

function withMoved(server: EmbeddedServer, moved: string | undefined): EmbeddedServer {
  return moved ? { ...server, movedFrom: moved } : server;
}

export async function startMemoryServer(dbPath?: string): Promise<EmbeddedServer> {
  // One attempt: where the binary cannot be downloaded, fail in a second rather than after three retries.
  process.env.MONGOMS_MAX_RETRIES ??= '0';
  const { MongoMemoryServer } = await import('mongodb-memory-server');
  if (dbPath) mkdirSync(dbPath, { recursive: true });
  // Its own console.warn repeats a failed download's stack; the chain reports the reason in one line instead.
  const warn = console.warn;
  console.warn = (...args: unknown[]) =>
    String(args[0]).startsWith('Starting the MongoMemoryServer Instance failed') ? undefined : warn(...args);
  const server = await MongoMemoryServer.create({
    instance: dbPath ? { dbPath, storageEngine: 'wiredTiger' } : {},
  }).finally(() => (console.warn = warn));
  return {
    kind: 'mongodb-memory-server',
    uri: server.getUri(),
    stop: async () => void (await server.stop({ doCleanup: !dbPath })),
    // mongodb-memory-server's own watchdog ends mongod when this process goes.
    kill: () => undefined,
  };
}

export async function startSecantusDb(bin: string, storagePath?: string): Promise<EmbeddedServer> {
  const temporary = !storagePath;
  const dir = storagePath ? resolve(storagePath) : mkdtempSync(join(tmpdir(), 'deskbell-secantusdb-'));
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const child = spawn(
    bin,
    ['--host', '127.0.0.1', '--port', String(port), '--storage-path', dir, '--log-level', 'ERROR'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      // Its own process group: a Ctrl-C in the terminal reaches Deskbell, which closes its connection first.
      detached: true,
    },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  try {
    await waitForPort(port, child, () => stderr);
  } catch (err) {
    if (temporary) rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    kind: 'secantusdb',
    uri: `mongodb://127.0.0.1:${port}/`,
    stop: async () => {
      await stopChild(child);
      if (temporary) rmSync(dir, { recursive: true, force: true });
    },
    kill: () => void child.kill('SIGKILL'),
  };
}

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? ok(addr.port) : fail(new Error('no port'))));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}: ${stderr()}`);
    const ok = await new Promise<boolean>((done) => {
      const sock = connect(port, '127.0.0.1');
      sock.once('connect', () => (sock.destroy(), done(true)));
      sock.once('error', () => done(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`did not listen on port ${port} within 30 s: ${stderr()}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => (clearTimeout(timer), done()));
    child.kill('SIGTERM');
  });
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err)
    .split('\n')[0]!
    .slice(0, 300);
}
