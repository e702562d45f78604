import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

export const WEBHOOK_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

export interface WebhookOptions {
  id?: string;
  timestamp?: Date;
  secret?: string;
  contentType?: string;
  signature?: string;
  omit?: Array<'webhook-id' | 'webhook-timestamp' | 'webhook-signature'>;
}

/** POSTs a body to /intake/webhook signed the Standard Webhooks way. */
export async function sendWebhook(baseUrl: string, body: unknown, opts: WebhookOptions = {}): Promise<Response> {
  const id = opts.id ?? `msg_${randomUUID()}`;
  const timestamp = opts.timestamp ?? new Date();
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  const signature = opts.signature ?? new Webhook(opts.secret ?? WEBHOOK_SECRET).sign(id, timestamp, payload);
  const headers: Record<string, string> = {
    'content-type': opts.contentType ?? 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': signature,
  };
  for (const h of opts.omit ?? []) delete headers[h];
  return fetch(`${baseUrl}/intake/webhook`, { method: 'POST', headers, body: payload });
}

/** What the intake routes (webhook, Postmark) answer about a ticket. */
export interface IntakeAnswer {
  id: string;
  ticket: string;
  outcome?: string;
}

/** A 400 from an intake route: which fields were wrong. */
export interface InvalidAnswer {
  details: Array<{ field: string }>;
}

/** The ticket a Slack message belongs to, from the metadata the app posts its cards with. */
export function ticketIdOf(message: { metadata?: unknown }): string | undefined {
  return (message.metadata as { event_payload?: { ticket_id?: string } } | undefined)?.event_payload?.ticket_id;
}
