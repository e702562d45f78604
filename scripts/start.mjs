// `npm start`: checks the configuration first (a wrong setting costs a second, not a build), builds only when
// a source is newer than dist/, installs SecantusDB only when the embedded database needs it, then runs
// Deskbell in this very process. package.json starts it with `exec`, so the signal a process manager sends
// to `npm start` reaches Deskbell (npm passes it to its child; dash, as /bin/sh, would not pass it on).
// Plain JavaScript, because it runs before anything is compiled. Process managers run
// `node dist/src/main.js` after `npm run build` instead.
import { spawn } from 'node:child_process';
import { config as loadDotenv } from 'dotenv';
import { build, buildIsStale } from './build.mjs';

// DOTENV_CONFIG_PATH as dotenv/config (which Deskbell itself loads) reads it: another .env, or none.
loadDotenv({ quiet: true, ...(process.env.DOTENV_CONFIG_PATH ? { path: process.env.DOTENV_CONFIG_PATH } : {}) });

/** The child doing slow work before Deskbell runs (the compiler, the SecantusDB install): a signal stops it too. */
let child;
const onSignal = (signal) => {
  child?.kill(signal);
  process.exit(signal === 'SIGINT' ? 130 : 143);
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const stale = buildIsStale();
const config = await checkConfiguration(stale);

if (stale) {
  process.stderr.write('Building dist/ (a source changed since the last build)…\n');
  const code = await build((c) => (child = c));
  if (code !== 0) process.exit(code);
}

if (!config.MONGODB_URI) {
  const { planEmbedded } = await import('../dist/src/db/embedded-plan.js');
  const plan = await planEmbedded(config.DATA_DIR);
  if (plan.installSecantusDb) {
    process.stderr.write(`Installing SecantusDB for the embedded database: ${plan.reason}\n`);
    const installer = new URL('ensure-secantusdb.sh', import.meta.url).pathname;
    child = spawn('bash', [installer], { stdio: 'inherit' });
    const code = await new Promise((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
    if (code !== 0) process.exit(code);
  }
}

child = undefined;
process.off('SIGINT', onSignal);
process.off('SIGTERM', onSignal);
await import('../dist/src/main.js');

/** Parses the environment with the app's own schema: from dist/ when it is current, else from the sources. */
async function checkConfiguration(fromSources) {
  let configModule;
  if (!fromSources) configModule = await import('../dist/src/config.js');
  else {
    const tsx = await import('tsx/esm/api').catch(() => undefined);
    if (!tsx) {
      process.stderr.write('Cannot build: TypeScript tooling is not installed. Run `npm install` first.\n');
      process.exit(1);
    }
    configModule = await tsx.tsImport('../src/config.ts', import.meta.url);
  }
  try {
    return configModule.getConfig();
  } catch (err) {
    if (err?.name !== 'ConfigError') throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(78); // EX_CONFIG, as Deskbell itself answers a wrong configuration
  }
}
