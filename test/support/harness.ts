import { inject } from 'vitest';
import type { Connection } from 'mongoose';
import { createApp, type DeskbellApp } from '../../src/app.js';
import type { Clock } from '../../src/clock.js';
import { parseConfig, type Config } from '../../src/config.js';
import { connectDatabase } from '../../src/db/connect.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { messageIdFor } from '../../src/domain/outbox.js';
import { mailIdKey } from '../../src/domain/settings.js';
import { createMailer, type Mailer } from '../../src/mail/mailer.js';
import { createSlackClient } from '../../src/slack/client.js';
import { FakeSlack } from './fake-slack.js';
import { stubResolver } from './dns.js';
import type { DnsResolver } from '../../src/intake/email-verify.js';
import { trackHandlers } from './settle.js';
import { SlackSender } from './slack-requests.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(private current = new Date()) {}
  now(): Date {
    return new Date(this.current);
  }
  set(date: Date | string): void {
    this.current = new Date(date);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export function testConfig(
  overrides: Record<string, string | undefined> = {},
  slackUrl = 'http://127.0.0.1:9/api/',
): Config {
  return parseConfig({
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slackUrl,
    SUPPORT_CHANNEL_ID: 'CSUPPORT1',
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SUPPORT_TIMEZONE: 'UTC',
    // The fake Slack has no rate limit unless a test turns it on; Slack's one-a-second spacing would only slow tests down.
    SLACK_CHANNEL_INTERVAL_MS: '20',
    ...overrides,
  });
}

export function uniqueDbName(label: string): string {
  return `deskbell_${label.replace(/[^a-z0-9]/gi, '_')}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
}

export async function connectTestDb(label: string): Promise<Connection> {
  return connectDatabase(inject('mongoUri'), createLogger('silent'), uniqueDbName(label));
}

export interface TestApp {
  app: DeskbellApp;
  config: Config;
  db: Connection;
  slack: FakeSlack;
  sender: SlackSender;
  url: string;
  clock: ManualClock | Clock;
  /** Stops this app instance; `keepDb` leaves the database for a second instance. */
  stop(opts?: { keepDb?: boolean }): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string | undefined>;
  db?: Connection;
  slack?: FakeSlack;
  clock?: Clock;
  mailer?: Mailer;
  label?: string;
  /** A second process can poll less often: jobs it saves itself wake it at once (tests default to 500 ms). */
  schedulerPollMs?: number;
  /** Where the app logs (tests that read log lines); else pino at LOG_LEVEL to stdout. */
  logger?: Logger;
  /** DNS for the SMTP listener's own sender check; by default every domain authorises this machine. */
  dns?: DnsResolver;
  /** How long claims last without renewal (default 60 s): short, a test sees a takeover in seconds. */
  claimMs?: number;
}

/** Boots the real app on a random port against the test database and a fake Slack. */
export async function startTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const slack = opts.slack ?? (await new FakeSlack().start());
  const config = testConfig(opts.env, slack.url);
  const db = opts.db ?? (await connectTestDb(opts.label ?? 'app'));
  const logger = opts.logger ?? createLogger(config.LOG_LEVEL);
  const app = createApp({
    config,
    db,
    slack: createSlackClient(config),
    mailer: opts.mailer ?? createMailer(config.SMTP_URL, config.SUPPORT_EMAIL_ADDRESS),
    clock: opts.clock ?? new ManualClock(),
    logger,
    // Agenda holds only scheduled jobs; each poll queries every job name. Effects a process records wake its
    // own worker at once; other processes find them by the delivery poll (two queries).
    schedulerPollMs: opts.schedulerPollMs ?? 2000,
    deliveryPollMs: 500,
    retryBaseMs: 100,
    dnsResolver: opts.dns ?? stubResolver(),
    ...(opts.claimMs ? { claimMs: opts.claimMs } : {}),
  });
  trackHandlers(app);
  const { port } = await app.start(0);
  const url = `http://127.0.0.1:${port}`;
  return {
    app,
    config,
    db,
    slack,
    url,
    clock: app.context.clock,
    sender: new SlackSender(url, SIGNING_SECRET),
    async stop({ keepDb = false } = {}) {
      await app.stop();
      if (!opts.slack) await slack.stop();
      if (!keepDb && !opts.db) {
        await db.dropDatabase().catch(() => undefined);
        await db.close();
      }
    },
  };
}

/** The Message-ID an app built from testConfig() gives the outbox mail `id` to `to`. */
export function testMessageId(supportEmail: string, id: string, to: string): string {
  return messageIdFor({ supportEmail, mailIdKey: mailIdKey(testConfig()) }, id, to);
}
