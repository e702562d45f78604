import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../src/db/embedded.js';
import { FakeSlack } from './support/fake-slack.js';
import { SIGNING_SECRET } from './support/harness.js';
import { waitFor } from './support/settle.js';

/**
 * `npm start` as a process manager runs it: the signal goes to the npm process (not to node), and Deskbell
 * with its embedded database must be gone within 10 s. /bin/sh is dash here, which passes no signal on.
 */
describe('npm start', () => {
  let slack: FakeSlack;
  const dataDir = mkdtempSync(join(tmpdir(), 'deskbell-npm-start-'));
  const started: ChildProcess[] = [];
  /** Processes below npm, killed at the end should a test fail and leave them. */
  const below: number[] = [];
  // With the suite on a server of its own (MONGODB_URI), Deskbell uses it; else its embedded database.
  const external = inject('mongoKind') === 'MONGODB_URI';

  beforeAll(async () => {
    slack = await new FakeSlack().start();
  });
  afterAll(async () => {
    for (const c of started) if (c.exitCode === null) c.kill('SIGKILL');
    for (const pid of below.filter(alive)) process.kill(pid, 'SIGKILL');
    await slack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  function env(port: number): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      // The developer's own .env must not reach this Deskbell.
      DOTENV_CONFIG_PATH: join(dataDir, 'no.env'),
      SLACK_BOT_TOKEN: 'xoxb-npm-start',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.url,
      SUPPORT_CHANNEL_ID: 'CSUPPORT1',
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      ...(external ? { MONGODB_URI: `${inject('mongoUri').replace(/\/?$/, '/')}deskbell_npm_start` } : {}),
    };
  }

  async function npmStart(): Promise<{ npm: ChildProcess; port: number }> {
    const port = await freePort();
    const npm = spawn('npm', ['start'], { env: env(port), stdio: ['ignore', 'ignore', 'pipe'] });
    started.push(npm);
    let stderr = '';
    npm.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    // The first start of a fresh clone builds dist/ first.
    await waitFor(
      async () => {
        if (npm.exitCode !== null) throw new Error(`npm start exited ${npm.exitCode}: ${stderr}`);
        return (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.status === 200;
      },
      'Deskbell to answer /healthz',
      120_000,
    );
    return { npm, port };
  }

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`stops Deskbell and its database within 10 s of ${signal} to the npm process`, async () => {
      const { npm, port } = await npmStart();
      const ours = descendants(npm.pid!);
      below.push(...ours);
      expect(ours.length).toBeGreaterThan(0);
      const sent = Date.now();
      const exited = new Promise<number | null>((done) => npm.once('exit', (code) => done(code)));
      npm.kill(signal);
      expect(await exited).toBe(0);
      expect(Date.now() - sent).toBeLessThan(10_000);
      expect(ours.filter(alive)).toEqual([]);
      expect(await listening(port)).toBe(false);
    }, 150_000);
  }

  it('answers a wrong setting with every problem and exit code 78, without starting anything', () => {
    const run = spawnSync('npm', ['start'], {
      env: { ...env(0), SLACK_BOT_TOKEN: 'xoxp-a-user-token', SUPPORT_CHANNEL_ID: 'general' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(78);
    expect(run.stderr).toContain('SLACK_BOT_TOKEN must start with xoxb-');
    expect(run.stderr).toContain('SUPPORT_CHANNEL_ID must be a Slack channel ID');
    expect(run.stderr).not.toContain('xoxp-a-user-token');
  }, 90_000);
});

/** Every process below `pid` (node, and the embedded database node started), from /proc. */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      // The parent is the 4th field, after the command name in parentheses (which may hold spaces).
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // The process ended meanwhile.
    }
  }
  const found: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of parentOf) if (parent === p) found.push(child), walk(child);
  };
  walk(pid);
  return found;
}

function alive(pid: number): boolean {
  try {
    // A zombie has given up everything but its entry; it counts as gone.
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

function listening(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), done(true)));
    socket.once('error', () => done(false));
  });
}
