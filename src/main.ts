import 'dotenv/config';
import { createApp, type DeskbellApp } from './app.js';
import { systemClock } from './clock.js';
import { ConfigError, getConfig } from './config.js';
import { connectDatabase, DatabaseError, startEmbeddedDatabase } from './db/connect.js';
import type { EmbeddedServer } from './db/embedded.js';
import { createLogger } from './logger.js';
import { createMailer } from './mail/mailer.js';
import { createSlackClient } from './slack/client.js';

/** A process manager waits about 10 s after SIGTERM before it kills; everything is stopped before that. */
const SHUTDOWN_LIMIT_MS = 9_000;

async function main(): Promise<void> {
  let config;
  try {
    config = getConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const logger = createLogger(config.LOG_LEVEL);

  // What is running so far, stopped in reverse order. A signal during the start stops what has started,
  // so no embedded database outlives Deskbell.
  let embedded: EmbeddedServer | undefined;
  let db: Awaited<ReturnType<typeof connectDatabase>> | undefined;
  let app: DeskbellApp | undefined;
  let stopping = false;
  // The step in progress: a shutdown waits for it, then stops what it started.
  let starting: Promise<unknown> = Promise.resolve();
  const step = <T>(work: Promise<T>): Promise<T> => ((starting = work), work);
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.warn('shutdown ran out of time; stopping now');
      embedded?.kill();
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS).unref();
    await starting.catch(() => undefined);
    await app?.stop();
    await db?.close();
    await embedded?.stop();
    clearTimeout(force);
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  let uri = config.MONGODB_URI;
  if (!uri) {
    embedded = await step(startEmbeddedDatabase(config.DATA_DIR, logger));
    uri = `${embedded.uri}deskbell`;
  }
  if (stopping) return;
  db = await step(connectDatabase(uri, logger));
  if (stopping) return;
  app = createApp({
    config,
    db,
    slack: createSlackClient(config),
    mailer: createMailer(config.SMTP_URL, config.SUPPORT_EMAIL_ADDRESS),
    clock: systemClock,
    logger,
  });
  await step(app.start());
}

main().catch((err: unknown) => {
  if (err instanceof DatabaseError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(`Deskbell failed to start: ${(err as Error)?.stack ?? String(err)}\n`);
  }
  process.exit(1);
});
