import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { planEmbedded } from '../db/embedded-plan.js';
import { type EmbeddedServer, startEmbeddedServer } from '../db/embedded.js';

/**
 * The database for `npm run sandbox` and `npm run docs:screenshots`: MONGODB_URI when set, else the embedded chain
 * of `npm start` (installing SecantusDB first where no MongoDB binary can be had) in a temporary folder: the sandbox
 * keeps nothing between runs.
 */
export async function sandboxDatabase(): Promise<{ uri: string; server?: EmbeddedServer }> {
  if (process.env.MONGODB_URI) return { uri: process.env.MONGODB_URI };
  const plan = await planEmbedded(undefined);
  if (plan.installSecantusDb) {
    process.stderr.write(`Installing SecantusDB for the embedded database: ${plan.reason}\n`);
    const installer = fileURLToPath(new URL('../../scripts/ensure-secantusdb.sh', import.meta.url));
    const code = await new Promise<number>((done) =>
      spawn('bash', [installer], { stdio: 'inherit' }).on('exit', (c) => done(c ?? 1)),
    );
    if (code !== 0) throw new Error('SecantusDB could not be installed; set MONGODB_URI to a MongoDB server instead.');
  }
  const server = await startEmbeddedServer();
  return { uri: server.uri, server };
}
