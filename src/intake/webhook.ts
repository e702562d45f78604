import { z } from 'zod';
import { CATEGORIES, PRIORITIES } from '../domain/types.js';
import type { NewTicket } from '../domain/tickets.js';

const metadataValue = z.union([z.string().max(500), z.number(), z.boolean(), z.null()]);

/** The JSON body another system POSTs to /intake/webhook. */
export const webhookTicketSchema = z.object({
  subject: z.string().trim().min(1, 'is required').max(250),
  body: z.string().max(100_000),
  requester: z.object({
    email: z.email('must be an email address'),
    name: z.string().trim().min(1).max(200).optional(),
  }),
  priority: z.enum(PRIORITIES).optional(),
  category: z.enum(CATEGORIES).optional(),
  externalId: z.string().trim().min(1).max(200).optional(),
  metadata: z
    // Keys become field names in the stored ticket: `$` and `.` would be operators or paths there.
    .record(z.string().min(1).max(60), metadataValue)
    .refine((m) => Object.keys(m).every((k) => !/[$.]/.test(k)), 'keys may not contain $ or .')
    .refine((m) => Object.keys(m).length <= 20, 'may have at most 20 keys')
    .optional(),
});

export type WebhookTicket = z.infer<typeof webhookTicketSchema>;

/** `autoDeclare`: INCIDENT_AUTO_DECLARE; a monitoring system's P0 opens its incident at once. */
export function webhookToTicket(
  body: WebhookTicket,
  webhookId: string,
  autoDeclare: 'webhook' | 'never' = 'webhook',
): NewTicket {
  const keys: [string, ...string[]] = body.externalId
    ? [`webhook:external:${body.externalId}`, `webhook:id:${webhookId}`]
    : [`webhook:id:${webhookId}`];
  return {
    source: 'webhook',
    requester: body.requester,
    subject: body.subject,
    body: body.body,
    priority: body.priority,
    category: body.category,
    externalId: body.externalId,
    metadata: body.metadata,
    idempotencyKeys: keys,
    acknowledge: true,
    ...(body.priority === 'P0' && autoDeclare === 'webhook'
      ? { declareIncident: { actor: { type: 'system', name: 'webhook' }, via: 'webhook' } }
      : {}),
  };
}

/** zod issues as `{ field: message }` pairs for a 400 answer listing every problem. */
export function fieldErrors(error: z.ZodError): Array<{ field: string; message: string }> {
  return error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
}
