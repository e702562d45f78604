import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { Webhooks } from '@octokit/webhooks';
import type { AppContext } from '../context.js';
import { handleGithubDelivery, type DeliveryOutcome } from '../intake/github.js';
import { handleJiraDelivery } from '../intake/jira.js';
import { HttpError, parseJsonBody, readBody, sendJson, type RoutedRequest } from './respond.js';

const header = (req: RoutedRequest, name: string) => String(req.headers[name] ?? '');

function answer(res: ServerResponse, outcome: DeliveryOutcome): void {
  if (outcome.status === 'stale') throw new HttpError(401, 'stale delivery: its event is more than an hour old');
  if (outcome.status === 'invalid') throw new HttpError(400, 'not a delivery Deskbell understands', outcome.problem);
  sendJson(res, 200, { outcome: outcome.outcome, ...(outcome.ticket ? { ticket: outcome.ticket } : {}) });
}

/**
 * POST /webhooks/github: verified with GITHUB_WEBHOOK_SECRET through @octokit/webhooks (X-Hub-Signature-256,
 * HMAC-SHA256 of the body), cheapest checks first and nothing written until they pass: size (413), signature
 * (401), JSON (415), the event's age (401 when stale), its fields (400).
 */
export function githubWebhookHandler(ctx: AppContext) {
  const webhooks = ctx.config.GITHUB_WEBHOOK_SECRET
    ? new Webhooks({ secret: ctx.config.GITHUB_WEBHOOK_SECRET })
    : undefined;
  return async (req: RoutedRequest, res: ServerResponse): Promise<void> => {
    if (!webhooks) throw new HttpError(404, 'GitHub webhooks are off: set GITHUB_WEBHOOK_SECRET');
    const raw = await readBody(req, ctx.config.INTAKE_MAX_BODY_BYTES);
    const signature = header(req, 'x-hub-signature-256');
    const deliveryId = header(req, 'x-github-delivery');
    const event = header(req, 'x-github-event');
    if (!signature || !deliveryId || !event)
      throw new HttpError(401, 'missing X-Hub-Signature-256, X-GitHub-Delivery or X-GitHub-Event');
    const valid = await webhooks.verify(raw.toString('utf8'), signature).catch(() => false);
    if (!valid) throw new HttpError(401, 'signature rejected');
    answer(res, await handleGithubDelivery(ctx, { event, deliveryId, payload: parseJsonBody(req, raw) }));
  };
}

/** Jira's signature (admin webhooks with a secret): `sha256=` and the hex HMAC-SHA256 of the body, WebSub style. */
export function jiraSignatureValid(secret: string, body: Buffer, signature: string): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const given = Buffer.from(signature.trim());
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** POST /webhooks/jira: verified with JIRA_WEBHOOK_SECRET (X-Hub-Signature); the same checks as GitHub's. */
export function jiraWebhookHandler(ctx: AppContext) {
  const secret = ctx.config.JIRA_WEBHOOK_SECRET;
  return async (req: RoutedRequest, res: ServerResponse): Promise<void> => {
    if (!secret) throw new HttpError(404, 'Jira webhooks are off: set JIRA_WEBHOOK_SECRET');
    const raw = await readBody(req, ctx.config.INTAKE_MAX_BODY_BYTES);
    const signature = header(req, 'x-hub-signature');
    if (!signature || !jiraSignatureValid(secret, raw, signature))
      throw new HttpError(401, 'signature missing or rejected');
    // Jira names each delivery; its retries keep the name. Without one, the body itself identifies it.
    const deliveryId = header(req, 'x-atlassian-webhook-identifier') || createHash('sha256').update(raw).digest('hex');
    answer(res, await handleJiraDelivery(ctx, { deliveryId, payload: parseJsonBody(req, raw) }));
  };
}
