import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { generatedSchemas } from '../src/intake/api-schemas.js';
import { postmarkInboundSchema } from '../src/intake/email-postmark.js';
import { webhookTicketSchema } from '../src/intake/webhook.js';
import { startTestApp, type TestApp } from './support/harness.js';
import { sendWebhook, WEBHOOK_SECRET } from './support/webhooks.js';

const root = new URL('../', import.meta.url);
const spec = parse(readFileSync(new URL('docs/intake-api.yaml', root), 'utf8'));
const guide = readFileSync(new URL('docs/intake-api.md', root), 'utf8');
const POSTMARK = { user: 'postmark', password: 'intake-api-password' };

/** A documented schema as a zod schema, its `$ref`s to components resolved, to check real answers against. */
function documented(name: string): z.ZodType {
  const resolve = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(resolve);
    if (!node || typeof node !== 'object') return node;
    const ref = (node as { $ref?: string }).$ref;
    if (ref) return resolve(spec.components.schemas[ref.replace('#/components/schemas/', '')]);
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, resolve(v)]));
  };
  return z.fromJSONSchema(resolve(spec.components.schemas[name]) as never);
}

/** The status codes documented for an operation. */
const codes = (path: string, method: string) => Object.keys(spec.paths[path][method].responses).sort();

describe('docs/intake-api.yaml', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      label: 'intake_api',
      env: {
        INTAKE_WEBHOOK_SECRET: WEBHOOK_SECRET,
        POSTMARK_INBOUND_USER: POSTMARK.user,
        POSTMARK_INBOUND_PASSWORD: POSTMARK.password,
        STATUS_PAGE_ENABLED: 'true',
      },
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('is OpenAPI 3.1 and documents the four endpoints', () => {
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths).sort()).toEqual([
      '/healthz',
      '/intake/email/postmark',
      '/intake/webhook',
      '/status.json',
    ]);
  });

  it('has the request schemas the server parses with (regenerate: npx tsx scripts/intake-api.ts)', () => {
    for (const [name, schema] of Object.entries(generatedSchemas()))
      expect(spec.components.schemas[name], name).toEqual(schema);
  });

  it('documents every answer each intake gives', () => {
    expect(codes('/intake/webhook', 'post')).toEqual(['200', '201', '400', '401', '404', '413', '415']);
    expect(codes('/intake/email/postmark', 'post')).toEqual(['200', '400', '401', '404', '413', '415', '429']);
  });

  it('has request examples the server accepts, answered as documented', async () => {
    const examples = spec.paths['/intake/webhook'].post.requestBody.content['application/json'].examples;
    for (const { value } of Object.values(examples) as Array<{ value: unknown }>) {
      expect(webhookTicketSchema.safeParse(value).success).toBe(true);
      const res = await sendWebhook(t.url, value);
      expect(res.status).toBe(201);
      documented('WebhookAccepted').parse(await res.json());
    }
    const again = await sendWebhook(t.url, examples.outage.value);
    expect(again.status).toBe(200);
    expect(documented('WebhookAccepted').parse(await again.json())).toMatchObject({ duplicate: true });

    const mail = spec.paths['/intake/email/postmark'].post.requestBody.content['application/json'].example;
    expect(postmarkInboundSchema.safeParse(mail).success).toBe(true);
    const auth = `Basic ${Buffer.from(`${POSTMARK.user}:${POSTMARK.password}`).toString('base64')}`;
    const posted = await fetch(`${t.url}/intake/email/postmark`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: auth },
      body: JSON.stringify(mail),
    });
    expect(posted.status).toBe(200);
    documented('PostmarkAccepted').parse(await posted.json());
  });

  it('describes refusals with the documented error shape', async () => {
    const refused = await sendWebhook(t.url, { subject: '', body: 'x', requester: { email: 'nobody' } });
    expect(refused.status).toBe(400);
    const body = documented('Error').parse(await refused.json()) as { details: unknown[] };
    expect(body.details).toHaveLength(2);
    const unsigned = await sendWebhook(t.url, { subject: 'x' }, { signature: 'v1,bm90IGEgc2lnbmF0dXJl' });
    expect(unsigned.status).toBe(401);
    documented('Error').parse(await unsigned.json());
  });

  it('describes /healthz and /status.json as they answer', async () => {
    documented('Health').parse(await (await fetch(`${t.url}/healthz`)).json());
    documented('StatusPage').parse(await (await fetch(`${t.url}/status.json`)).json());
  });

  it('has copy-paste examples in docs/intake-api.md that sign and send a ticket for real', async () => {
    const runners: Array<[string, string]> = [
      ['send-ticket.sh', 'sh'],
      ['send-ticket.mjs', process.execPath],
      ['send_ticket.py', 'python3'],
    ];
    for (const [file, command] of runners) {
      const path = new URL(`docs/examples/${file}`, root);
      // The guide shows each example whole, so what a reader copies is what this test runs.
      expect(guide, file).toContain(readFileSync(path, 'utf8').trim());
      if (command === 'python3' && spawnSync('python3', ['--version']).status !== 0) continue;
      // Asynchronously: the app answering it runs in this process.
      const run = await promisify(execFile)(command, [path.pathname], {
        env: { PATH: process.env.PATH, DESKBELL_URL: t.url, INTAKE_WEBHOOK_SECRET: WEBHOOK_SECRET },
        timeout: 30_000,
      });
      // The first run creates the ticket; the later ones carry the same externalId and get the same ticket back.
      expect(run.stdout, file).toMatch(/"ticket":"SUP-\d+"/);
    }
  });
});
