import { z } from 'zod';
import { BlockIds } from '../views/ids.js';
import { parseJson } from './ticket-ref.js';

const objectId = z.string().regex(/^[a-f0-9]{24}$/, 'not an id');

/** View and Edit carry the article; Send this article also the ticket it answers. */
export const parseArticleRef = (value: unknown) => parseJson(z.object({ articleId: objectId }), value);
export const parseSendRef = (value: unknown) => parseJson(z.object({ articleId: objectId, ticketId: objectId }), value);
/** Write article, on a recurring subject: the subject and its latest tickets. */
export const parseWriteRef = (value: unknown) =>
  parseJson(z.object({ subject: z.string().min(1).max(200), ticketIds: z.array(objectId).max(10) }), value);

/** The article form's `private_metadata`: a new article's tickets, or the article and version being edited. */
const articleMetadataSchema = z.object({
  articleId: objectId.optional(),
  baseVersion: z.number().int().positive().optional(),
  ticketIds: z.array(objectId).max(10).optional(),
  channel: z.string().optional(),
});
export type ArticleMetadata = z.infer<typeof articleMetadataSchema>;
export const parseArticleMetadata = (raw: unknown) => parseJson(articleMetadataSchema, raw);

const feedbackBlock = z.string().regex(new RegExp(`^${BlockIds.feedback}:([a-f0-9]{24})$`));
/** The ticket of the card's Feedback select, from its block_id. */
export function ticketIdFromFeedbackBlock(blockId: unknown): string | undefined {
  const parsed = feedbackBlock.safeParse(blockId);
  return parsed.success ? parsed.data.slice(BlockIds.feedback.length + 1) : undefined;
}
