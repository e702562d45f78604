// `npm run secantusdb` (and `npm test` before the tests): installs SecantusDB only when the embedded chain will
// need it: not when MONGODB_URI is set (in the environment or, except for the tests, in .env), nor when a
// MongoDB binary or database is there. The install itself is scripts/ensure-secantusdb.sh.
import { spawnSync } from 'node:child_process';
import { config as loadDotenv } from 'dotenv';
import { planEmbedded } from '../src/db/embedded-plan.js';

// The tests read only the environment (their globalSetup ignores .env), so neither does their check.
const forTests = process.argv.includes('--for-tests');
// DOTENV_CONFIG_PATH picks another file, as for Deskbell itself.
if (!forTests)
  loadDotenv({ quiet: true, ...(process.env.DOTENV_CONFIG_PATH ? { path: process.env.DOTENV_CONFIG_PATH } : {}) });

if (process.env.MONGODB_URI) {
  console.log('SecantusDB: not needed, MONGODB_URI is set');
} else {
  const plan = await planEmbedded(forTests ? undefined : (process.env.DATA_DIR ?? './data'));
  console.log(`SecantusDB: ${plan.installSecantusDb ? 'installing' : 'not installing'}: ${plan.reason}`);
  if (plan.installSecantusDb) {
    const run = spawnSync('bash', [new URL('ensure-secantusdb.sh', import.meta.url).pathname], { stdio: 'inherit' });
    process.exitCode = run.status ?? 1;
  }
}
