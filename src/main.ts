import 'dotenv/config';
import { createApp } from './app.js';
import { systemClock } from './clock.js';
import { ConfigError, getConfig } from './config.js';
import { connectDatabase, DatabaseError, startEmbeddedDatabase } from './db/connect.js';
import type { EmbeddedServer } from './db/embedded.js';
import { createLogger } from './logger.js';
import { createMailer } from './mail/mailer.js';
import { createSlackClient } from './slack/client.js';

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

  let embedded: EmbeddedServer | undefined;
  let uri = config.MONGODB_URI;
  if (!uri) {
    embedded = await startEmbeddedDatabase(config.DATA_DIR, logger);
    uri = `${embedded.uri}deskbell`;
  }
  const db = await connectDatabase(uri, logger);
  const app = createApp({
    config,
    db,
    slack: createSlackClient(config),
    mailer: createMailer(config.SMTP_URL, config.SUPPORT_EMAIL_ADDRESS),
    clock: systemClock,
    logger,
  });
  await app.start();

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 20_000).unref();
    await app.stop();
    await db.close();
    await embedded?.stop();
    clearTimeout(force);
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  if (err instanceof DatabaseError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(`Deskbell failed to start: ${(err as Error)?.stack ?? String(err)}\n`);
  }
  process.exit(1);
});
