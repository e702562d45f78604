import { z } from 'zod';

/** The `value` every card button carries. Validated: a forged or stale value changes nothing. */
export const ticketRefSchema = z.object({ ticketId: z.string().regex(/^[a-f0-9]{24}$/, 'not a ticket id') });

export function parseTicketRef(value: unknown): { ticketId: string } | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const parsed = ticketRefSchema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Modal `private_metadata`: which ticket (and card message) a modal is about. */
export const modalMetadataSchema = z.object({
  ticketId: z.string().regex(/^[a-f0-9]{24}$/),
  channel: z.string().optional(),
  ts: z.string().optional(),
});
export type ModalMetadata = z.infer<typeof modalMetadataSchema>;

export function parseModalMetadata(raw: string | undefined): ModalMetadata | undefined {
  if (!raw) return undefined;
  try {
    const parsed = modalMetadataSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
