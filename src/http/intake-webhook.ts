import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import type { AppContext } from '../context.js';
import { createTicket } from '../domain/tickets.js';
import { fieldErrors, webhookToTicket, webhookTicketSchema } from '../intake/webhook.js';
import { HttpError, parseJsonBody, readBody, sendJson, type RoutedRequest } from './respond.js';
import type { ServerResponse } from 'node:http';

/**
 * POST /intake/webhook, signed per Standard Webhooks. Checks run cheapest-first and nothing is written
 * until all pass: size (413), signature (401), JSON (415), fields (400).
 */
export function webhookIntakeHandler(ctx: AppContext) {
  const verifier = ctx.config.INTAKE_WEBHOOK_SECRET ? new Webhook(ctx.config.INTAKE_WEBHOOK_SECRET) : undefined;
  return async (req: RoutedRequest, res: ServerResponse): Promise<void> => {
    if (!verifier) throw new HttpError(404, 'webhook intake is disabled: set INTAKE_WEBHOOK_SECRET');
    const raw = await readBody(req, ctx.config.INTAKE_MAX_BODY_BYTES);
    const headers = {
      'webhook-id': String(req.headers['webhook-id'] ?? ''),
      'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
      'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
    };
    if (!headers['webhook-id'] || !headers['webhook-timestamp'] || !headers['webhook-signature']) {
      throw new HttpError(401, 'missing webhook-id, webhook-timestamp or webhook-signature header');
    }
    try {
      verifier.verify(raw.toString('utf8'), headers);
    } catch (err) {
      if (err instanceof WebhookVerificationError) throw new HttpError(401, `signature rejected: ${err.message}`);
      // The library parses the body after a good signature: a SyntaxError means "signed, but not JSON".
      if (!(err instanceof SyntaxError)) throw err;
    }
    const parsed = webhookTicketSchema.safeParse(parseJsonBody(req, raw));
    if (!parsed.success) throw new HttpError(400, 'invalid ticket', fieldErrors(parsed.error));

    const { ticket, created } = await createTicket(
      ctx,
      webhookToTicket(parsed.data, headers['webhook-id'], ctx.incidents.autoDeclare),
    );
    sendJson(res, created ? 201 : 200, { ticket: ticket.key, id: ticket.id, ...(created ? {} : { duplicate: true }) });
  };
}
