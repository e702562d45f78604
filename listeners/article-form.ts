import type { View } from '@slack/types';
import type { AppContext } from '../src/context.js';
import { ARTICLE_FIELD_MAX, articleDraftFromTicket } from '../src/domain/knowledge.js';
import { articleModal } from '../views/article-modal.js';
import type { ArticleMetadata } from './kb-ref.js';
import type { ModalMetadata } from './ticket-ref.js';

/** The article form that replaces the Resolve form when "Save as article next" is ticked: the fix as just written. */
export async function articleFormAfterResolve(
  ctx: AppContext,
  meta: ModalMetadata,
  resolution: { summary: string; verify: string },
): Promise<View> {
  const { ticket, draft } = await articleDraftFromTicket(ctx, meta.ticketId);
  const metadata: ArticleMetadata = { ticketIds: [ticket.id], ...(meta.channel ? { channel: meta.channel } : {}) };
  const content = {
    ...draft,
    fix: resolution.summary.slice(0, ARTICLE_FIELD_MAX),
    verify: resolution.verify.slice(0, ARTICLE_FIELD_MAX),
  };
  return articleModal({
    content,
    privateMetadata: JSON.stringify(metadata),
    context: `From ${ticket.key}: ${ticket.subject}`,
    editing: false,
  });
}
