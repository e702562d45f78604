import { once } from 'node:events';
import { createServer, request } from 'node:http';
import { connect, createServer as createNetServer, type AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import nodemailer from 'nodemailer';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { SIGNING_SECRET, startTestApp, type TestApp } from './support/harness.js';
import { sendWebhook, WEBHOOK_SECRET } from './support/webhooks.js';

const HEALTH_TOKEN = 'health-token-0123456789abcdef';

/** A reverse proxy on this machine, as many deployments put in front of Deskbell: every caller it forwards is local. */
async function startProxy(target: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const upstream = request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((ok) => server.close(() => ok())) };
}

/** Whether `host` reaches a port bound to every address of this machine (the control for "refused"). */
async function reaches(host: string): Promise<boolean> {
  const server = createNetServer((socket) => socket.end()).listen(0, '0.0.0.0');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  try {
    const socket = connect(port, host);
    const connected = once(socket, 'connect').then(() => {
      socket.end();
      return true;
    });
    return await Promise.race([connected, once(socket, 'error').then(() => false)]);
  } finally {
    server.close();
  }
}

/** Issue 10, item 6 (and the startup warning of item 5): smaller surfaces, through the running app. */
describe('smaller surfaces', () => {
  let t: TestApp;
  const lines: string[] = [];
  beforeAll(async () => {
    t = await startTestApp({
      label: 'surfaces',
      logger: createLogger('info', { write: (line: string) => void lines.push(line) }),
      env: {
        HEALTH_TOKEN,
        INTAKE_WEBHOOK_SECRET: WEBHOOK_SECRET,
        MAIL_INBOUND_PORT: '0',
        SUPPORT_EMAIL_ADDRESS: 'help@acme.test',
      },
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('/healthz shows details only with HEALTH_TOKEN, to local callers and through a local reverse proxy', async () => {
    const proxy = await startProxy(t.url);
    try {
      for (const base of [t.url, proxy.url]) {
        const health = async (token?: string): Promise<any> =>
          (await fetch(`${base}/healthz`, { headers: token ? { authorization: `Bearer ${token}` } : {} })).json();
        const checks = { database: { ok: true }, slack: { ok: true }, scheduler: { ok: true } };
        expect(await health(), base).toEqual({ ok: true, checks });
        expect((await health('not-the-token-at-all')).checks.slack.detail, base).toBeUndefined();
        const withToken = await health(HEALTH_TOKEN);
        expect(withToken.checks.scheduler.detail).toMatch(/running|last SLA sweep/);
        expect(withToken.checks.slack.detail).toMatch(/^team /);
        expect(withToken.checks.database.detail).toMatch(/SecantusDB|MongoDB/);
      }
    } finally {
      await proxy.close();
    }
  });

  it('binds the SMTP listener to loopback unless told otherwise', async () => {
    expect(
      parseConfig({ SLACK_BOT_TOKEN: 'xoxb-x', SLACK_SIGNING_SECRET: SIGNING_SECRET, SUPPORT_CHANNEL_ID: 'C0123' })
        .MAIL_INBOUND_HOST,
    ).toBe('127.0.0.1');
    expect(lines.map((l) => JSON.parse(l)).find((e) => e.msg === 'SMTP listener started')).toMatchObject({
      host: '127.0.0.1',
    });
    // Another address of this machine must not reach it. 127.0.0.2 is this machine on Linux (all of 127/8 is),
    // but not the address the listener is bound to; a machine where it is not routed fails here, not silently.
    const other = '127.0.0.2';
    expect(await reaches(other), `${other} must reach a port bound to 0.0.0.0`).toBe(true);
    const port = t.app.smtpPort;
    const options = { host: other, port, secure: false, ignoreTLS: true, connectionTimeout: 2000 };
    const remote = nodemailer.createTransport(options);
    await expect(remote.verify()).rejects.toThrow();
    remote.close();
  });

  it('keeps the sender’s name and address out of info-level logs', async () => {
    const client = nodemailer.createTransport({
      host: '127.0.0.1',
      port: t.app.smtpPort,
      secure: false,
      ignoreTLS: true,
    });
    try {
      const info = await client.sendMail({
        from: 'Penelope Private <penelope.private@example.org>',
        to: 'help@acme.test',
        subject: 'Hello',
        text: 'x',
        messageId: `<surfaces.${Date.now()}@example.org>`,
      });
      expect(info.response).toMatch(/^250 /);
    } finally {
      client.close();
    }
    const text = lines.join('');
    expect(text).toContain('mail received');
    expect(text).not.toMatch(/penelope|Private/i);
  });

  it('refuses webhook metadata keys with $ or . (400), writing nothing', async () => {
    const before = await t.app.context.models.Ticket.countDocuments();
    for (const key of ['$where', 'a.b', 'plan.$set']) {
      const res = await sendWebhook(t.url, {
        subject: 'Meta',
        body: 'x',
        requester: { email: 'ada@example.com' },
        metadata: { [key]: 'x' },
      });
      expect(res.status, key).toBe(400);
      expect(JSON.stringify(await res.json())).toContain('keys may not contain $ or .');
    }
    expect(await t.app.context.models.Ticket.countDocuments()).toBe(before);
    expect(
      (
        await sendWebhook(t.url, {
          subject: 'Meta',
          body: 'x',
          requester: { email: 'ada@example.com' },
          metadata: { plan_name: 'pro' },
        })
      ).status,
    ).toBe(201);
  });

  it('says at startup that everyone in the workspace can act when SUPPORT_TEAM_USERGROUP is unset', () => {
    const warning = lines
      .map((l) => JSON.parse(l))
      .find((e) => e.level === 40 && /SUPPORT_TEAM_USERGROUP is not set/.test(e.msg));
    expect(warning?.msg).toContain('everyone in the Slack workspace can');
  });

  it('ships an example webhook secret different from the one the tests sign with', () => {
    const example = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
    const secret = /INTAKE_WEBHOOK_SECRET=(\S+)/.exec(example)?.[1];
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(WEBHOOK_SECRET);
  });
});
