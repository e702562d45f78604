import { z } from 'zod';
import { postmarkInboundSchema } from './email-postmark.js';
import { webhookTicketSchema } from './webhook.js';

/**
 * The request bodies of docs/intake-api.yaml as JSON Schema (2020-12, OpenAPI 3.1's dialect), from the zod
 * schemas the routes parse with: what a sender must send (`io: 'input'`, so defaulted fields are optional).
 */
export function generatedSchemas(): Record<'WebhookTicket' | 'PostmarkInbound', Record<string, unknown>> {
  const jsonSchema = (schema: z.ZodType) => {
    const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
    return rest;
  };
  return { WebhookTicket: jsonSchema(webhookTicketSchema), PostmarkInbound: jsonSchema(postmarkInboundSchema) };
}
