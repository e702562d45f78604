import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

/**
 * A database server Deskbell starts itself: FerretDB (SQLite backend) where its binary is present,
 * otherwise mongodb-memory-server. Shared by `npm start` without MONGODB_URI and by the tests.
 */
export interface EmbeddedServer {
  kind: 'ferretdb' | 'mongodb-memory-server';
  uri: string;
  stop(): Promise<void>;
}

export const FERRETDB_VERSION = 'v1.24.2';

/** FERRETDB_BIN, then `ferretdb` on PATH, then the caches that scripts/ensure-ferretdb.sh fills (DESKBELL_CACHE_DIR, default ~/.cache/deskbell). */
export function findFerretDb(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [
    env.FERRETDB_BIN,
    ...(env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'ferretdb')),
    resolve('.cache/ferretdb', FERRETDB_VERSION, 'ferretdb'),
    join(env.DESKBELL_CACHE_DIR ?? join(homedir(), '.cache/deskbell'), 'ferretdb', FERRETDB_VERSION, 'ferretdb'),
  ];
  return candidates.find((c): c is string => !!c && existsSync(c));
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

export async function startFerretDb(bin: string, stateDir: string): Promise<EmbeddedServer> {
  mkdirSync(join(stateDir, 'sqlite'), { recursive: true });
  const port = await freePort();
  const child = spawn(
    bin,
    [
      `--listen-addr=127.0.0.1:${port}`,
      '--handler=sqlite',
      `--sqlite-url=file:${join(resolve(stateDir), 'sqlite')}/`,
      `--state-dir=${resolve(stateDir)}`,
      '--telemetry=disable',
      '--debug-addr=-',
      '--log-level=error',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, FERRETDB_TELEMETRY: 'disable' } },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  await waitForPort(port, child, () => stderr);
  return {
    kind: 'ferretdb',
    uri: `mongodb://127.0.0.1:${port}/`,
    stop: () => stopChild(child),
  };
}

export async function startMemoryServer(dbPath?: string): Promise<EmbeddedServer> {
  const { MongoMemoryServer } = await import('mongodb-memory-server');
  if (dbPath) mkdirSync(dbPath, { recursive: true });
  const server = await MongoMemoryServer.create({
    instance: dbPath ? { dbPath, storageEngine: 'wiredTiger' } : {},
  });
  return { kind: 'mongodb-memory-server', uri: server.getUri(), stop: async () => void (await server.stop({ doCleanup: !dbPath })) };
}

async function waitForPort(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`FerretDB exited with code ${child.exitCode}: ${stderr()}`);
    const ok = await new Promise<boolean>((done) => {
      const sock = connect(port, '127.0.0.1');
      sock.once('connect', () => (sock.destroy(), done(true)));
      sock.once('error', () => done(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`FerretDB did not listen on port ${port} within 20 s: ${stderr()}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => (clearTimeout(timer), done()));
    child.kill('SIGTERM');
  });
}
