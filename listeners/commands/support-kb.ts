import type { SlashCommand } from '@slack/bolt';
import type { AppContext } from '../../src/context.js';
import { articleKey, mostUsedArticles } from '../../src/domain/knowledge.js';
import { searchArticles } from '../../src/domain/knowledge-search.js';
import { helpLink } from '../../src/domain/self-help.js';
import { kbResultsMessage, type ArticleSummary } from '../../views/knowledge.js';
import { tellUser } from '../respond.js';

/** `/support kb <words>`: articles ranked with a passage each; `/support kb` alone: the most used. */
export async function kbCommand(ctx: AppContext, command: SlashCommand, words: string): Promise<void> {
  const url = (a: { number: number; title: string; visibility: string }) =>
    ctx.settings.knowledge.publicEnabled && a.visibility === 'public' ? helpLink(ctx, a) : undefined;
  let articles: ArticleSummary[];
  let title: string;
  if (words) {
    const found = await searchArticles(ctx, words, { publicOnly: false, limit: 8 });
    articles = found.map((a) => ({ ...a, ...(url(a) ? { url: url(a) } : {}) }));
    title = `Articles for “${words.slice(0, 100)}”`;
  } else {
    const used = await mostUsedArticles(ctx, 10);
    articles = used.map((a) => ({
      id: String(a._id),
      key: articleKey(a),
      title: a.title,
      visibility: a.visibility as ArticleSummary['visibility'],
      stats: { sent: a.stats?.sent ?? 0, views: a.stats?.views ?? 0, solved: a.stats?.solved ?? 0 },
      ...(url(a) ? { url: url(a) } : {}),
    }));
    title = 'Most used articles';
  }
  const empty = words
    ? 'No article matches. Try other words, or save one from a resolved ticket.'
    : 'No article yet. Save one from a resolved ticket with *Save as article*.';
  const message = kbResultsMessage(title, articles, empty);
  await tellUser(ctx.slack, command.channel_id, command.user_id, message.text, message.blocks);
}
