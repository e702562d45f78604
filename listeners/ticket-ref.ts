import { z } from 'zod';

/** The `value` every card button carries. Validated: a forged or stale value changes nothing. */
export const ticketRefSchema = z.object({ ticketId: z.string().regex(/^[a-f0-9]{24}$/, 'not a ticket id') });

/** A JSON string Slack hands back (a button's `value`, a modal's `private_metadata`), if it has `schema`'s shape. */
export function parseJson<T>(schema: z.ZodType<T>, raw: unknown): T | undefined {
  if (typeof raw !== 'string' || !raw) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export const parseTicketRef = (value: unknown): { ticketId: string } | undefined => parseJson(ticketRefSchema, value);

/** Modal `private_metadata`: which ticket (and card message) a modal is about. */
export const modalMetadataSchema = z.object({
  ticketId: z.string().regex(/^[a-f0-9]{24}$/),
  channel: z.string().optional(),
  ts: z.string().optional(),
  /** A reply started from "Send this article": the article is counted as sent when the reply goes. */
  articleId: z
    .string()
    .regex(/^[a-f0-9]{24}$/)
    .optional(),
});
export type ModalMetadata = z.infer<typeof modalMetadataSchema>;

export const parseModalMetadata = (raw: string | undefined): ModalMetadata | undefined =>
  parseJson(modalMetadataSchema, raw);
