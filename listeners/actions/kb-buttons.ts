import type { App, ButtonAction } from '@slack/bolt';
import type { AppContext } from '../../src/context.js';
import { DomainError } from '../../src/domain/errors.js';
import {
  articleById,
  articleDraftFromTicket,
  articleKey,
  articleReplyText,
  cleanTitle,
  type ArticleContent,
} from '../../src/domain/knowledge.js';
import { ticketForReply } from '../../src/domain/replies.js';
import { cardOf } from '../../src/domain/tickets.js';
import { helpLink } from '../../src/domain/self-help.js';
import { articleModal } from '../../views/article-modal.js';
import { ActionIds } from '../../views/ids.js';
import { articleViewModal } from '../../views/knowledge.js';
import { replyModal } from '../../views/reply-modal.js';
import { onCardAction } from '../card-action.js';
import { parseArticleRef, parseSendRef, parseWriteRef, type ArticleMetadata } from '../kb-ref.js';
import type { ModalMetadata } from '../ticket-ref.js';

const STALE = 'That button is out of date or malformed; nothing was changed.';

/** View, Send this article, Edit (search results, matches under a card) and Write article (recurring subjects). */
export function register(app: App, ctx: AppContext): void {
  const publicUrl = (a: { number: number; title: string; visibility?: string | null }) =>
    ctx.settings.knowledge.publicEnabled && a.visibility === 'public' ? helpLink(ctx, a) : undefined;

  onCardAction<ButtonAction>(app, ctx, ActionIds.kbViewArticle, 'show an article', async (_src, action, body) => {
    const ref = parseArticleRef(action.value);
    if (!ref) throw new DomainError(STALE);
    const a = await articleById(ctx, ref.articleId);
    const url = publicUrl(a);
    const view = articleViewModal({
      id: a.id,
      key: articleKey(a),
      title: a.title,
      visibility: a.visibility as 'internal' | 'public',
      stats: { sent: a.stats?.sent ?? 0, views: a.stats?.views ?? 0, solved: a.stats?.solved ?? 0 },
      ...(url ? { url } : {}),
      problem: a.problem,
      cause: a.cause,
      fix: a.fix,
      verify: a.verify,
      internalNotes: a.internalNotes,
      version: a.version,
      sources: a.sources.map((s) => ({ key: s.key ?? '' })),
    });
    await ctx.slack.views.open({ trigger_id: body.trigger_id, view });
  });

  onCardAction<ButtonAction>(app, ctx, ActionIds.kbSendArticle, 'send an article', async (_src, action, body) => {
    const ref = parseSendRef(action.value);
    if (!ref) throw new DomainError(STALE);
    const [ticket, article, card] = await Promise.all([
      ticketForReply(ctx, ref.ticketId),
      articleById(ctx, ref.articleId),
      cardOf(ctx, ref.ticketId),
    ]);
    const metadata: ModalMetadata = { ticketId: ref.ticketId, ...(card ?? {}), articleId: ref.articleId };
    const message = articleReplyText(ticket, article, publicUrl(article));
    await ctx.slack.views.open({
      trigger_id: body.trigger_id,
      view: replyModal({ ticket, privateMetadata: JSON.stringify(metadata), message }),
    });
  });

  onCardAction<ButtonAction>(app, ctx, ActionIds.kbEditArticle, 'edit an article', async (src, action, body) => {
    const ref = parseArticleRef(action.value);
    if (!ref) throw new DomainError(STALE);
    const a = await articleById(ctx, ref.articleId);
    const content: ArticleContent = {
      title: a.title,
      problem: a.problem,
      cause: a.cause,
      fix: a.fix,
      verify: a.verify,
      internalNotes: a.internalNotes,
      visibility: a.visibility as ArticleContent['visibility'],
    };
    const metadata: ArticleMetadata = {
      articleId: a.id,
      baseVersion: a.version,
      ...(src.channel ? { channel: src.channel } : {}),
    };
    const view = articleModal({
      content,
      privateMetadata: JSON.stringify(metadata),
      context: `${articleKey(a)}, version ${a.version}`,
      editing: true,
    });
    await ctx.slack.views.open({ trigger_id: body.trigger_id, view });
  });

  onCardAction<ButtonAction>(app, ctx, ActionIds.kbWriteArticle, 'open the article form', async (src, action, body) => {
    const ref = parseWriteRef(action.value);
    if (!ref) throw new DomainError(STALE);
    // The latest ticket of the subject (a solved one when there is one) gives the form its words.
    const base = ref.ticketIds[0]
      ? await articleDraftFromTicket(ctx, ref.ticketIds[0]).catch(() => undefined)
      : undefined;
    const draft: ArticleContent = {
      ...(base?.draft ?? { problem: '', cause: '', fix: '', verify: '', internalNotes: '', visibility: 'internal' }),
      title: cleanTitle(ref.subject),
    };
    const metadata: ArticleMetadata = { ticketIds: ref.ticketIds, ...(src.channel ? { channel: src.channel } : {}) };
    const view = articleModal({
      content: draft,
      privateMetadata: JSON.stringify(metadata),
      context: `Recurring subject: ${ref.subject} (${ref.ticketIds.length} recent tickets linked)`,
      editing: false,
    });
    await ctx.slack.views.open({ trigger_id: body.trigger_id, view });
  });
}
