// `npm run sandbox [-- --demo] [--port 3000] [--host 127.0.0.1] [--smtp-port 0] [--verbose]`: Deskbell in a
// workspace of its own, in a browser page, with nothing from Slack. Reads no `.env`: its settings are built in
// (src/sandbox/config.ts); only MONGODB_URI is taken from the environment, to use a server of your own.
import { parseArgs } from 'node:util';
import { describeUri } from '../db/connect.js';
import { sandboxDatabase } from './database.js';
import { realSlackTokens } from './config.js';
import { demoStart, fillDemoWeek } from './demo/week.js';
import type { Sandbox } from './sandbox.js';
import { startSandbox } from './start.js';

const USAGE = `npm run sandbox -- [--demo] [--port 3000] [--host 127.0.0.1] [--smtp-port 0] [--verbose]
  --demo       fill a realistic week first (tickets of every priority, an incident, a storm, a report)
  --port       the page and Deskbell's HTTP port (default 3000)
  --host       the address to bind (default 127.0.0.1: this machine only; the page has no login)
  --smtp-port  the SMTP listener for mail to Deskbell (default: a free port, shown at start)
  --verbose    Deskbell's log at info level (default: warnings only)`;

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

function options() {
  try {
    const { values } = parseArgs({
      options: {
        demo: { type: 'boolean', default: false },
        port: { type: 'string', default: '3000' },
        host: { type: 'string', default: '127.0.0.1' },
        'smtp-port': { type: 'string', default: '0' },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
    const port = Number(values.port);
    const smtpPort = Number(values['smtp-port']);
    if (values.help) return fail(USAGE, 0);
    if (!Number.isInteger(port) || port < 1 || port > 65535) return fail(`--port must be a TCP port\n${USAGE}`);
    if (!Number.isInteger(smtpPort) || smtpPort < 0 || smtpPort > 65535)
      return fail(`--smtp-port must be a TCP port\n${USAGE}`);
    return { ...values, port, smtpPort };
  } catch (err) {
    return fail(`${(err as Error).message}\n${USAGE}`);
  }
}

function fail(message: string, code = 64): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  const opts = options();
  const tokens = realSlackTokens(process.env);
  if (tokens.length) {
    fail(
      `The sandbox will not start with a Slack token in the environment (${tokens.join(', ')}): ` +
        'it plays a workspace of its own and must never be mistaken for, or pointed at, a real one. ' +
        'Start it from a shell without them.',
      78,
    );
  }
  if (!LOOPBACK.has(opts.host)) {
    process.stderr.write(
      `Warning: binding ${opts.host}: anyone who can reach it can use the sandbox page (it has no login).\n`,
    );
  }
  const started = Date.now();
  const db = await sandboxDatabase().catch((err: Error) => fail(err.message, 1));
  let sandbox: Sandbox | undefined;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await sandbox?.stop().catch(() => undefined);
    await db.server?.stop().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  const start = opts.demo ? demoStart() : undefined;
  sandbox = await startSandbox({
    mongoUri: db.uri,
    port: opts.port,
    host: opts.host,
    smtpPort: opts.smtpPort,
    logLevel: opts.verbose ? 'info' : 'warn',
    ...(start ? { start } : {}),
  }).catch(async (err: Error) => {
    // The embedded database runs in its own process group: stopped here, or it would outlive the sandbox.
    await db.server?.stop().catch(() => undefined);
    const taken = (err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? ` (another program uses it: --port)` : '';
    return fail(`The sandbox could not start: ${err.message}${taken}`, 1);
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const where = db.server ? `embedded ${db.server.kind}` : describeUri(db.uri);
  process.stdout.write(
    [
      `Deskbell sandbox ready in ${seconds} s: ${sandbox.url}/sandbox`,
      `  Slack: a stand-in in this process · database: ${where}, database deskbell_sandbox (emptied at start)`,
      `  mail to ${sandbox.config.SUPPORT_EMAIL_ADDRESS}: SMTP ${opts.host}:${sandbox.smtpPort}`,
      "  mail from Deskbell: the page's Mailbox",
      '  Ctrl-C stops it; nothing is kept.',
      '',
    ].join('\n'),
  );
  if (opts.demo) {
    process.stdout.write('Filling a demo week (the page shows it happen)…\n');
    try {
      await fillDemoWeek(sandbox, (step) => process.stdout.write(`  ${step}\n`));
      process.stdout.write('Demo week ready.\n');
    } catch (err) {
      // What was filled in stays, and the sandbox keeps running: the page is still worth a look.
      process.stderr.write(`The demo week stopped early: ${(err as Error).message}\n`);
    }
  }
}

main().catch((err: unknown) => fail(`The sandbox failed: ${(err as Error)?.stack ?? String(err)}`, 1));
