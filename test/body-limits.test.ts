import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLACK_MAX_BODY_BYTES } from '../src/http/body-limit.js';
import { startTestApp, type TestApp } from './support/harness.js';
import { WEBHOOK_SECRET } from './support/webhooks.js';

/**
 * Sends the headers and the first `sent` bytes of a body announced as `declared` bytes (undefined: chunked),
 * then keeps the rest back: the answer must come without it. Resolves with the status and how much the server
 * let through before answering.
 */
function sendPartly(
  url: string,
  headers: Record<string, string>,
  opts: { declared?: number; sent: number; method?: string },
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: opts.method ?? 'POST',
      headers: { ...headers, ...(opts.declared === undefined ? {} : { 'content-length': String(opts.declared) }) },
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    req.on('error', reject);
    req.write(Buffer.alloc(opts.sent, 'a'));
    // No end(): the rest of the body never comes.
  });
}

/** Issue 20, item 10: every route caps its request body with 413, before reading all of it. */
describe('request body limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ label: 'body_limits', env: { INTAKE_WEBHOOK_SECRET: WEBHOOK_SECRET } });
  });
  afterAll(async () => t?.stop());

  const form = 'application/x-www-form-urlencoded';
  const huge = () => {
    const payload = JSON.stringify({ type: 'block_actions', filler: 'x'.repeat(SLACK_MAX_BODY_BYTES) });
    return `payload=${encodeURIComponent(payload)}`;
  };

  it('refuses a signed and an unsigned oversized request to /slack/events with 413', async () => {
    const body = huge();
    const signed = await t.sender.post(body, form);
    expect(signed.status).toBe(413);
    const unsigned = await t.sender.post(body, form, { signature: 'v0=0' });
    expect(unsigned.status).toBe(413);
    // A request of Slack's usual size still gets through to the signature check.
    expect((await t.sender.post('payload=%7B%7D', form, { signature: 'v0=0' })).status).toBe(401);
  });

  it('answers 413 before the body has arrived, announced or chunked', async () => {
    const slack = `${t.url}/slack/events`;
    const formed = { 'content-type': form };
    expect(await sendPartly(slack, formed, { declared: 50 * SLACK_MAX_BODY_BYTES, sent: 1024 })).toBe(413);
    expect(await sendPartly(slack, formed, { sent: SLACK_MAX_BODY_BYTES + 65_536 })).toBe(413);
    const json = { 'content-type': 'application/json' };
    const gigabyte = 1024 * 1024 * 1024;
    expect(await sendPartly(`${t.url}/intake/webhook`, json, { declared: gigabyte, sent: 1024 })).toBe(413);
    expect(await sendPartly(`${t.url}/intake/email/postmark`, json, { declared: gigabyte, sent: 1024 })).toBe(413);
  });

  it('refuses a body on the routes that take none, and a survey form larger than its one field', async () => {
    expect(await sendPartly(`${t.url}/healthz`, {}, { method: 'GET', declared: 100_000, sent: 1024 })).toBe(413);
    const chunked = { 'transfer-encoding': 'chunked' };
    expect(await sendPartly(`${t.url}/status`, chunked, { method: 'GET', sent: 1024 })).toBe(413);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    const body = `score=5&pad=${'x'.repeat(4096)}`;
    const survey = await fetch(`${t.url}/csat/some-token`, { method: 'POST', headers: { 'content-type': form }, body });
    expect(survey.status).toBe(413);
  });
});
