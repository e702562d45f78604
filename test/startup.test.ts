import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { connectDatabase, DatabaseError } from '../src/db/connect.js';
import { createLogger } from '../src/logger.js';

const TSX = 'node_modules/.bin/tsx';

describe('starting Deskbell', () => {
  it('exits non-zero with one message listing every configuration problem, secrets unprinted', () => {
    const run = spawnSync(TSX, ['src/main.ts'], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        SLACK_BOT_TOKEN: 'xoxp-my-user-token',
        SUPPORT_CHANNEL_ID: 'general',
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(78);
    expect(run.stderr).toContain('SLACK_BOT_TOKEN must start with xoxb-');
    expect(run.stderr).toContain('SLACK_SIGNING_SECRET is required');
    expect(run.stderr).toContain('SUPPORT_CHANNEL_ID must be a Slack channel ID');
    expect(run.stderr).not.toContain('xoxp-my-user-token');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('names the database host, not its password, when it cannot connect', async () => {
    const err = await connectDatabase(
      'mongodb://deskbell:hunter2@127.0.0.1:1/deskbell?serverSelectionTimeoutMS=500',
      createLogger('silent'),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseError);
    expect((err as Error).message).toContain('127.0.0.1:1');
    expect((err as Error).message).toContain('MONGODB_URI');
    expect((err as Error).message).not.toContain('hunter2');
  });
});
