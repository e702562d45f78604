import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { databaseFolder, DataFolderError, engineOf } from '../src/db/data-folder.js';
import { startEmbeddedServer } from '../src/db/embedded.js';
import { planEmbedded } from '../src/db/embedded-plan.js';

/** Issue 21: one data folder whatever the server, and no install where MongoDB can be used. */
describe('the embedded database folder', () => {
  const made: string[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'deskbell-data-folder-'));
    made.push(dir);
    return dir;
  };
  /** A folder as the server would leave it: only the file that tells the two apart. */
  const holding = (folder: string, file: string) => {
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, file), '');
    writeFileSync(join(folder, 'WiredTiger'), '');
  };
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('tells MongoDB’s files from SecantusDB’s', () => {
    const dir = dataDir();
    expect(engineOf(join(dir, 'absent'))).toBeUndefined();
    holding(join(dir, 'm'), '_mdb_catalog.wt');
    holding(join(dir, 's'), 'secantus_collections.wt');
    expect(engineOf(join(dir, 'm'))).toBe('mongodb');
    expect(engineOf(join(dir, 's'))).toBe('secantusdb');
  });

  it('moves the one folder of an earlier version to DATA_DIR/database, and asks when there are two', () => {
    const dir = dataDir();
    holding(join(dir, 'secantusdb'), 'secantus_collections.wt');
    expect(databaseFolder(dir)).toEqual({ folder: join(dir, 'database'), moved: join(dir, 'secantusdb') });
    expect(engineOf(join(dir, 'database'))).toBe('secantusdb');
    expect(existsSync(join(dir, 'secantusdb'))).toBe(false);
    // Once moved, later starts find it in place.
    expect(databaseFolder(dir)).toEqual({ folder: join(dir, 'database') });

    const both = dataDir();
    holding(join(both, 'mongodb'), '_mdb_catalog.wt');
    holding(join(both, 'secantusdb'), 'secantus_collections.wt');
    expect(() => databaseFolder(both)).toThrow(/two databases of earlier versions/);
  });

  it('refuses, naming the folder and the fix, when the server that wrote the folder cannot start', async () => {
    const dir = dataDir();
    holding(join(dir, 'database'), 'secantus_collections.wt');
    const before = process.env.SECANTUSD_BIN;
    process.env.SECANTUSD_BIN = '/bin/false';
    try {
      const err = await startEmbeddedServer(dir).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DataFolderError);
      expect((err as Error).message).toMatch(/database holds SecantusDB's files, and MongoDB cannot read them/);
      expect((err as Error).message).toMatch(/npm run secantusdb/);
    } finally {
      if (before === undefined) delete process.env.SECANTUSD_BIN;
      else process.env.SECANTUSD_BIN = before;
    }
  });

  it('installs SecantusDB only when the embedded chain will need it', async () => {
    const dir = dataDir();
    holding(join(dir, 'database'), '_mdb_catalog.wt');
    const nothingInstalled = { DESKBELL_CACHE_DIR: join(dir, 'empty-cache') };
    expect(await planEmbedded(dir, nothingInstalled)).toMatchObject({
      installSecantusDb: false,
      reason: expect.stringMatching(/holds a MongoDB database/),
    });
    const other = dataDir();
    holding(join(other, 'database'), 'secantus_collections.wt');
    expect(await planEmbedded(other, nothingInstalled)).toMatchObject({ installSecantusDb: true });
  });

  it('npm run secantusdb honours MONGODB_URI from .env', async () => {
    const dir = dataDir();
    writeFileSync(join(dir, '.env'), 'MONGODB_URI=mongodb://db.example.com:27017/deskbell\n');
    const run = await promisify(execFile)('node_modules/.bin/tsx', ['scripts/secantusdb.ts'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DOTENV_CONFIG_PATH: join(dir, '.env') },
    });
    expect(run.stdout).toContain('SecantusDB: not needed, MONGODB_URI is set');
  });
});
