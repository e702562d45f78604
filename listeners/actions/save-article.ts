import type { App } from '@slack/bolt';
import type { AppContext } from '../../src/context.js';
import { articleDraftFromTicket } from '../../src/domain/knowledge.js';
import { ActionIds } from '../../views/ids.js';
import { articleModal } from '../../views/article-modal.js';
import type { ArticleMetadata } from '../kb-ref.js';
import { onCardButton } from '../card-action.js';

/** "Save as article" on a resolved or closed card: the article form, prefilled from the ticket. */
export function register(app: App, ctx: AppContext): void {
  onCardButton(app, ctx, ActionIds.saveArticle, 'open the article form', async ({ src, ticketId, triggerId }) => {
    const { ticket, draft } = await articleDraftFromTicket(ctx, ticketId);
    const metadata: ArticleMetadata = { ticketIds: [ticket.id], ...(src.channel ? { channel: src.channel } : {}) };
    const view = articleModal({
      content: draft,
      privateMetadata: JSON.stringify(metadata),
      context: `From ${ticket.key}: ${ticket.subject}`,
      editing: false,
    });
    await ctx.slack.views.open({ trigger_id: triggerId, view });
  });
}
