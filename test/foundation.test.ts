import { JobNames } from '../jobs/names.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/config.js';
import { describeUri } from '../src/db/connect.js';
import { SocketModeReceiver } from '@slack/bolt';
import { createApp } from '../src/app.js';
import { createLogger } from '../src/logger.js';
import { createMailer } from '../src/mail/mailer.js';
import { createSlackClient } from '../src/slack/client.js';
import { connectTestDb, ManualClock, testConfig } from './support/harness.js';
import { startTestApp, SIGNING_SECRET, type TestApp } from './support/harness.js';
import { settled, waitFor } from './support/settle.js';
import { slackSignature } from './support/slack-requests.js';

describe('configuration', () => {
  it('lists every problem at once, with how to fix it, and never echoes secrets', () => {
    let error: unknown;
    try {
      parseConfig({
        SLACK_BOT_TOKEN: 'xoxp-user-token-secret',
        PORT: 'eighty',
        SUPPORT_TIMEZONE: 'Mars/Olympus',
        SLACK_SIGNING_SECRET: 'short',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    expect(problems).toHaveLength(5);
    expect(message).toContain('SLACK_BOT_TOKEN must start with xoxb-');
    expect(message).toContain('SLACK_SIGNING_SECRET must be the Signing Secret');
    expect(message).toContain('SUPPORT_CHANNEL_ID is required');
    expect(message).toContain('PORT must be a TCP port number');
    expect(message).toContain('SUPPORT_TIMEZONE must be an IANA time zone');
    expect(message).not.toContain('xoxp-user-token-secret');
  });

  it('applies defaults', () => {
    const config = parseConfig({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 'x'.repeat(32),
      SUPPORT_CHANNEL_ID: 'C0123ABC',
    });
    expect(config).toMatchObject({ PORT: 3000, DATA_DIR: './data', SUPPORT_TIMEZONE: 'UTC', LOG_LEVEL: 'info' });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('requires the signing secret only without Socket Mode', () => {
    const base = { SLACK_BOT_TOKEN: 'xoxb-1', SUPPORT_CHANNEL_ID: 'C0123ABC' };
    expect(parseConfig({ ...base, SLACK_APP_TOKEN: 'xapp-1-A0001-test' }).SLACK_SIGNING_SECRET).toBeUndefined();
    expect(() => parseConfig(base)).toThrow(/SLACK_SIGNING_SECRET is required unless SLACK_APP_TOKEN is set/);
  });

  it('names a database host without its password', () => {
    expect(describeUri('mongodb://deskbell:hunter2@db.internal:27017/deskbell')).toBe('db.internal:27017');
  });
});

const HEALTH_TOKEN = 'health-token-0123456789abcdef';

describe('the running app', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ label: 'foundation', env: { HEALTH_TOKEN } });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('reports healthy when database, Slack and scheduler are up', async () => {
    const res = await fetch(`${t.url}/healthz`, { headers: { authorization: `Bearer ${HEALTH_TOKEN}` } });
    expect(res.status).toBe(200);
    const body: any = await res.json();
    expect(body).toMatchObject({
      ok: true,
      checks: { database: { ok: true }, slack: { ok: true }, scheduler: { ok: true } },
    });
    // Which server answers, from its buildInfo: the test chain's SecantusDB or a real MongoDB.
    expect(body.checks.database.detail).toMatch(/^(SecantusDB \S+ \(MongoDB [\d.]+ compatible\)|MongoDB [\d.]+)$/);
    expect(t.slack.callsTo('auth.test').at(-1)?.token).toBe('xoxb-test-token');
  });

  // `/support queue` answers through chat.postEphemeral once accepted, so "no Slack call" shows the listener did not run.
  const queueAnswers = () => t.slack.callsTo('chat.postEphemeral').filter((c) => c.args.user === 'U1').length;
  const settle = () => settled(t.app);

  it('runs the listener for a correctly signed command (the control for the two refusals below)', async () => {
    const before = queueAnswers();
    const res = await t.sender.command('/support', 'queue', 'U1');
    expect(res.status).toBe(200);
    await t.slack.waitFor(() => queueAnswers() > before, 10_000, 'the queue answer');
  });

  it('refuses a wrong signature with 401 and runs no listener', async () => {
    const before = queueAnswers();
    const res = await t.sender.command('/support', 'queue', 'U1', {}, { signature: 'v0=deadbeef' });
    expect(res.status).toBe(401);
    await settle();
    expect(queueAnswers()).toBe(before);
  });

  it('refuses a correctly signed request older than five minutes with 401', async () => {
    const before = queueAnswers();
    const old = Math.floor(Date.now() / 1000) - 6 * 60;
    const res = await t.sender.command('/support', 'queue', 'U1', {}, { timestamp: old });
    expect(res.status).toBe(401);
    await settle();
    expect(queueAnswers()).toBe(before);
  });

  it('accepts a correctly signed request', async () => {
    const body = JSON.stringify({ type: 'url_verification', challenge: 'abc123', token: 'x' });
    const ts = Math.floor(Date.now() / 1000);
    const res = await fetch(`${t.url}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': slackSignature(SIGNING_SECRET, ts, body),
      },
      body,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: 'abc123' });
  });
});

describe('health with a stopped database', () => {
  it('answers 503 naming the database', async () => {
    const t = await startTestApp({ label: 'health_down' });
    try {
      await t.db.close();
      const res = await fetch(`${t.url}/healthz`);
      expect(res.status).toBe(503);
      const body: any = await res.json();
      expect(body.ok).toBe(false);
      expect(body.checks.database.ok).toBe(false);
      expect(body.checks.slack.ok).toBe(true);
    } finally {
      await t.app.stop();
      await t.slack.stop();
    }
  });

  it('answers 503 naming Slack when auth.test fails', async () => {
    const t = await startTestApp({ label: 'health_slack' });
    try {
      t.slack.fail('auth.test', { error: 'invalid_auth' }, 5);
      const res = await fetch(`${t.url}/healthz`);
      expect(res.status).toBe(503);
      const body: any = await res.json();
      expect(body.checks.slack).toMatchObject({ ok: false });
      expect(body.checks.database.ok).toBe(true);
    } finally {
      await t.stop();
    }
  });
});

describe('Socket Mode', () => {
  it('uses a Socket Mode receiver instead of HTTP when SLACK_APP_TOKEN is set', async () => {
    const db = await connectTestDb('socket_mode');
    try {
      // Socket Mode needs no signing secret: Slack signs nothing sent over the app's own connection.
      const config = testConfig({ SLACK_APP_TOKEN: 'xapp-1-A0001-test', SLACK_SIGNING_SECRET: undefined });
      const app = createApp({
        config,
        db,
        slack: createSlackClient(config),
        mailer: createMailer(undefined, 'a@b.c'),
        clock: new ManualClock(),
        logger: createLogger('silent'),
      });
      expect((app.bolt as unknown as { receiver: unknown }).receiver).toBeInstanceOf(SocketModeReceiver);
      // The scheduler connects in the background; let it finish before the database goes away.
      await app.context.agenda.ready;
    } finally {
      await db.dropDatabase();
      await db.close();
    }
  });
});

describe('stopping', () => {
  it('hands back the jobs it locked ahead of their time, so another process runs them on time', async () => {
    // A long poll: Agenda locks every job due within the next 10 s and holds it until its time.
    const t = await startTestApp({ label: 'stop_unlocks', schedulerPollMs: 10_000 });
    let stopped = false;
    try {
      // A scheduled job due in a few seconds (what runs it does not matter: the app stops before).
      await t.app.context.agenda.schedule(new Date(Date.now() + 4000), JobNames.autoClose, { probe: 'UAHEAD1' });
      const jobs = t.app.context.db.collection('agendaJobs');
      const job = await waitFor(
        () => jobs.findOne({ 'data.probe': 'UAHEAD1', lockedAt: { $ne: null } }),
        'the job locked ahead of its time',
        4_000,
      );
      expect(job.nextRunAt!.getTime()).toBeGreaterThan(Date.now());
      await t.stop({ keepDb: true });
      stopped = true;
      const after = await jobs.findOne({ _id: job._id }, { projection: { lockedAt: 1 } });
      expect(after).not.toBeNull();
      expect(after!.lockedAt ?? null).toBeNull();
    } finally {
      if (stopped) {
        await t.db.dropDatabase();
        await t.db.close();
      } else await t.stop();
    }
  });
});
