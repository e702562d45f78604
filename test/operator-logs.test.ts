import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { fetchFrom } from '../src/net/fetch-from.js';
import { startTestApp, type TestApp } from './support/harness.js';
import { settled, waitFor } from './support/settle.js';
import { sendWebhook, WEBHOOK_SECRET } from './support/webhooks.js';

const POSTMARK_USER = 'postmark';
const POSTMARK_PASSWORD = 'operator-logs-password';

/** Issue 21: log lines an operator can act on, and a root address that says what the server is. */
describe('logs an operator can use', () => {
  let t: TestApp;
  const lines: string[] = [];
  const entries = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  const rejections = () => entries().filter((e) => e.msg === 'intake request rejected');

  beforeAll(async () => {
    t = await startTestApp({
      label: 'operator_logs',
      logger: createLogger('info', { write: (line: string) => void lines.push(line) }),
      env: {
        INTAKE_WEBHOOK_SECRET: WEBHOOK_SECRET,
        INTAKE_MAX_BODY_BYTES: '2000',
        POSTMARK_INBOUND_USER: POSTMARK_USER,
        POSTMARK_INBOUND_PASSWORD: POSTMARK_PASSWORD,
        MAIL_MAX_PER_SENDER_PER_HOUR: '1',
      },
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  const ticket = { subject: 'Export fails', body: 'Since Monday', requester: { email: 'ada@example.com' } };

  it('logs each refused intake request once, with its reason and the caller, and a flood as one line', async () => {
    const wrongSecret = `whsec_${Buffer.from('not the secret at all').toString('base64')}`;
    for (let i = 0; i < 3; i++) expect((await sendWebhook(t.url, ticket, { secret: wrongSecret })).status).toBe(401);
    expect((await sendWebhook(t.url, { ...ticket, requester: { email: 'nobody' } })).status).toBe(400);
    expect((await sendWebhook(t.url, { ...ticket, body: 'x'.repeat(3000) })).status).toBe(413);

    const logged = rejections();
    expect(logged.filter((e) => e.status === 401)).toHaveLength(1);
    expect(logged.find((e) => e.status === 401)).toMatchObject({
      door: 'webhook',
      remote: expect.stringMatching(/127\.0\.0\.1/),
      reason: expect.stringMatching(/^signature rejected/),
    });
    expect(logged.find((e) => e.status === 400)).toMatchObject({
      reason: 'invalid ticket',
      details: [{ field: 'requester.email', message: 'must be an email address' }],
    });
    expect(logged.find((e) => e.status === 413)).toMatchObject({ reason: expect.stringMatching(/2000-byte limit/) });
    // Nothing of the request's content reaches the log.
    expect(lines.join('\n')).not.toContain('Since Monday');
  });

  it('logs a Postmark sender over its hourly limit (429) and wrong credentials (401)', async () => {
    const post = (auth: string, from: string) =>
      fetch(`${t.url}/intake/email/postmark`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(auth).toString('base64')}` },
        body: JSON.stringify({
          MessageID: `pm-${from}-${Math.random()}`,
          FromFull: { Email: from },
          Subject: 'Hi',
          TextBody: 'x',
        }),
      });
    expect((await post('postmark:wrong-password-here', 'a@example.com')).status).toBe(401);
    expect((await post(`${POSTMARK_USER}:${POSTMARK_PASSWORD}`, 'busy@example.com')).status).toBe(200);
    expect((await post(`${POSTMARK_USER}:${POSTMARK_PASSWORD}`, 'busy@example.com')).status).toBe(429);
    const postmark = rejections().filter((e) => e.door === 'postmark');
    expect(postmark.map((e) => e.status).sort()).toEqual([401, 429]);
  });

  it('names the ticket (SUP-n) on the delivery worker’s retry lines, not a database id', async () => {
    // The failures go to the next posts, whoever makes them: the earlier tests' cards must be out.
    await settled([t.app]);
    // The first failure is the intake's own try (it hands the card to an effect); the second, the effect's.
    t.slack.fail('chat.postMessage', { error: 'not_in_channel' }, 2);
    const answer = (await (await sendWebhook(t.url, { ...ticket, subject: 'Card fails once' })).json()) as {
      ticket: string;
    };
    const retry = await waitFor(
      () => entries().find((e) => e.msg === 'effect failed; will retry' && e.effect === 'card.post'),
      'the card post to fail once',
    );
    expect(retry).toMatchObject({ ticket: answer.ticket, err: expect.stringContaining('not_in_channel') });
    expect(JSON.stringify(retry)).not.toMatch(/"ticket":"[0-9a-f]{24}"/);
  });

  it('names the host a request could not reach', async () => {
    const port = await closedPort();
    const err = await fetchFrom(`http://127.0.0.1:${port}/v2/enqueue`, { method: 'POST' }).catch((e: unknown) => e);
    expect((err as Error).message).toBe(`127.0.0.1:${port} could not be reached: ECONNREFUSED`);
  });

  it('answers GET / with the product name and where its documentation is', async () => {
    const res = await fetch(`${t.url}/`);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('<h1>Deskbell</h1>');
    expect(page).toContain('href="/docs/intake-api.yaml"');
    const api = await fetch(`${t.url}/docs/intake-api.yaml`);
    expect(api.status).toBe(200);
    expect(api.headers.get('content-type')).toMatch(/yaml/);
    expect(await api.text()).toMatch(/^openapi: 3\.1/m);
  });
});

/** A port nothing listens on: bound, then released. */
function closedPort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}
