/**
 * Start and stop: how long `npm start` takes until /healthz answers 200 on a warm machine (dist/ current,
 * the embedded database's folder already made), how long `node dist/src/main.js` alone takes, and how long
 * each takes to exit after SIGTERM (to npm for `npm start`). The embedded database chain as `npm start`
 * runs it (a temporary DATA_DIR), or MONGODB_URI when set; the fake Slack. Writes bench/results/start.json.
 *
 *   npm run bench:start
 *   npm run bench:start -- --runs 10
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../src/db/embedded.js';
import { FakeSlack } from '../test/support/fake-slack.js';
import { option, percentile, round, runBench, writeResult } from './support.js';

interface Timing {
  readyMs: number;
  stopMs: number;
}

async function once(command: string[], env: NodeJS.ProcessEnv): Promise<Timing> {
  const port = await freePort();
  const started = Date.now();
  const child = spawn(command[0]!, command.slice(1), { env: { ...env, PORT: String(port) }, stdio: 'ignore' });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${command.join(' ')} exited with ${child.exitCode}`);
    const res = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
    if (res?.status === 200) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const readyMs = Date.now() - started;
  const signalled = Date.now();
  child.kill('SIGTERM');
  await exited;
  return { readyMs, stopMs: Date.now() - signalled };
}

function summary(timings: Timing[]) {
  const of = (key: keyof Timing) => {
    const sorted = timings.map((t) => t[key]).sort((a, b) => a - b);
    return {
      median: round(percentile(sorted, 50) / 1000, 2),
      min: round(sorted[0]! / 1000, 2),
      max: round(sorted.at(-1)! / 1000, 2),
    };
  };
  return { ready: of('readyMs'), stop: of('stopMs') };
}

async function main(): Promise<void> {
  const runs = option('runs', 'BENCH_RUNS', 5);
  const slack = await new FakeSlack().start();
  const dataDir = mkdtempSync(join(tmpdir(), 'deskbell-bench-start-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DOTENV_CONFIG_PATH: join(dataDir, 'no.env'),
    SLACK_BOT_TOKEN: 'xoxb-bench-start',
    SLACK_SIGNING_SECRET: 'bench-signing-secret-0123456789',
    SLACK_API_URL: slack.url,
    SUPPORT_CHANNEL_ID: 'CSUPPORT1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    ...(process.env.MONGODB_URI ? { MONGODB_URI: process.env.MONGODB_URI } : {}),
  };
  try {
    console.log(`start benchmark: ${runs} runs each, node ${process.version}, ${cpus().length} × ${cpus()[0]?.model}`);
    // Warm-up: builds dist/ when a source changed and makes the database folder, as a first start does.
    await once(['npm', 'start'], env);
    const results: Record<string, ReturnType<typeof summary>> = {};
    for (const [name, command] of [
      ['npm start', ['npm', 'start']],
      ['node dist/src/main.js', [process.execPath, 'dist/src/main.js']],
    ] as const) {
      const timings: Timing[] = [];
      for (let i = 0; i < runs; i++) timings.push(await once([...command], env));
      results[name] = summary(timings);
      console.log(
        `${name}: ready ${JSON.stringify(results[name].ready)} s; stopped after SIGTERM ${JSON.stringify(results[name].stop)} s`,
      );
    }
    writeResult('start', {
      at: new Date().toISOString(),
      node: process.version,
      cpu: cpus()[0]?.model,
      cpus: cpus().length,
      runs,
      results,
    });
  } finally {
    await slack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

runBench(main);
