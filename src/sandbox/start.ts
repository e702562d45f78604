import { createServer, type AddressInfo } from 'node:net';
import { createApp } from '../app.js';
import { connectDatabase } from '../db/connect.js';
import { createLogger, type Logger } from '../logger.js';
import { createMailer } from '../mail/mailer.js';
import { createSlackClient } from '../slack/client.js';
import { SandboxClock } from './clock.js';
import { sandboxConfig, sandboxSecrets } from './config.js';
import { SlackDriver } from './driver.js';
import { SmtpSink } from './mail-sink.js';
import { loadPageAssets } from './page-assets.js';
import { populate } from './people.js';
import { sandboxRoutes } from './routes.js';
import { Sandbox } from './sandbox.js';
import { trackHandlers } from './settle.js';
import { SlackSender } from './slack/requests.js';
import { SlackWebApi } from './slack/web-api.js';

export interface SandboxOptions {
  /** A MongoDB server; the sandbox uses (and empties at start) its own database on it, `dbName`. */
  mongoUri: string;
  dbName?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Loopback unless told otherwise. */
  host?: string;
  /** The SMTP listener's port; 0 picks a free one. */
  smtpPort?: number;
  logLevel?: string;
  logger?: Logger;
  timezone?: string;
  /** Where the clock starts (the demo week starts a week back); now by default. */
  start?: Date;
}

/** A free port held open until Deskbell is about to bind it, so nothing the sandbox starts meanwhile takes it. */
async function reservePort(host: string): Promise<{ port: number; release(): Promise<void> }> {
  const server = createServer();
  await new Promise<void>((ok, fail) => server.once('error', fail).listen(0, host, ok));
  const { port } = server.address() as AddressInfo;
  return { port, release: () => new Promise((ok) => server.close(() => ok())) };
}

export async function startSandbox(o: SandboxOptions): Promise<Sandbox> {
  const host = o.host ?? '127.0.0.1';
  const clock = new SandboxClock(o.start);
  const slack = await new SlackWebApi(() => clock.now()).start();
  populate(slack);
  const sink = await new SmtpSink().start();
  const logLevel = o.logLevel ?? 'warn';
  const logger = o.logger ?? createLogger(logLevel);
  const db = await connectDatabase(o.mongoUri, logger, o.dbName ?? 'deskbell_sandbox');
  // The workspace lives in this process only: tickets left from an earlier run would point at cards it lacks.
  await db.dropDatabase();
  const timezone = o.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
  // A port of our own choosing is known before the app starts (links in mail and the page's address name it);
  // the rare other process taking it between its release and Deskbell's bind is answered by another try.
  for (let attempt = 1; ; attempt += 1) {
    const reserved = o.port ? undefined : await reservePort(host);
    const port = o.port || reserved!.port;
    const secrets = sandboxSecrets();
    const settings = {
      port,
      host,
      slackUrl: slack.url,
      smtpUrl: sink.url,
      smtpPort: o.smtpPort ?? 0,
      logLevel,
      timezone,
    };
    const config = sandboxConfig(settings, secrets);
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    const driver = new SlackDriver(slack, new SlackSender(url, secrets.signingSecret));
    let sandbox: Sandbox | undefined;
    const routes = sandboxRoutes(() => sandbox!, loadPageAssets(), logger.child({ component: 'sandbox' }));
    const app = createApp({
      config,
      db,
      slack: createSlackClient(config),
      mailer: createMailer(config.SMTP_URL, config.SUPPORT_EMAIL_ADDRESS),
      clock,
      logger,
      host,
      routes,
      schedulerPollMs: 5000,
      deliveryPollMs: 1000,
      retryBaseMs: 500,
    });
    trackHandlers(app);
    sandbox = new Sandbox(app, db, config, slack, sink, clock, driver, url);
    await reserved?.release();
    try {
      await app.start(port);
      return sandbox;
    } catch (err) {
      const taken = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
      // A port taken stops the start at its bind, before anything else of the app ran.
      if (!taken) await app.stop();
      if (!reserved || !taken || attempt >= 3) {
        await Promise.all([db.close(), slack.stop(), sink.stop()]);
        throw err;
      }
    }
  }
}
