import type { KnownBlock, View } from '@slack/types';
import type { ArticleMatch, Match, TicketMatch } from '../src/domain/knowledge-search.js';
import { ActionIds, CallbackIds } from './ids.js';
import { messageUrl } from './ticket-list.js';
import { LIMITS, mrkdwn, plain, safe, truncate } from './text.js';

/** Knowledge-base messages in Slack: search results, the most used, an article, the matches under a card. Pure. */

export interface ArticleSummary {
  id: string;
  key: string;
  title: string;
  visibility: 'internal' | 'public';
  stats: { sent: number; views: number; solved: number };
  /** Its public page, for public articles when the help pages are on. */
  url?: string;
  snippet?: string;
}

/** "sent 3× · viewed 12× · solved 2 tickets": how an article is used. */
export function usageText(s: ArticleSummary['stats']): string {
  return `sent ${s.sent}× · viewed ${s.views}× · solved ${s.solved} ticket${s.solved === 1 ? '' : 's'}`;
}

function articleTitle(a: Pick<ArticleSummary, 'key' | 'title' | 'url' | 'visibility'>): string {
  // Titles may come from a requester's subject: escaped, and kept off link labels' `|` and `>`.
  const title = safe(a.title, 200);
  const label = `${a.key} · ${title}`;
  return `${a.url ? `*<${a.url}|${label.replace(/\|/g, '¦')}>*` : `*${label}*`}${a.visibility === 'internal' ? ' _(internal)_' : ''}`;
}

const button = (actionId: string, text: string, value: object, style?: 'primary') => ({
  type: 'button' as const,
  action_id: actionId,
  text: plain(text, LIMITS.button),
  value: JSON.stringify(value),
  ...(style ? { style } : {}),
});

function articleBlocks(a: ArticleSummary, extra: { ticketId?: string; edit?: boolean }): KnownBlock[] {
  const passage = a.snippet ? `\n>${safe(a.snippet, 400)}` : '';
  const buttons = [
    button(ActionIds.kbViewArticle, 'View', { articleId: a.id }),
    ...(extra.ticketId
      ? [button(ActionIds.kbSendArticle, 'Send this article', { articleId: a.id, ticketId: extra.ticketId }, 'primary')]
      : []),
    ...(extra.edit ? [button(ActionIds.kbEditArticle, 'Edit', { articleId: a.id })] : []),
  ];
  return [
    { type: 'section', text: mrkdwn(`${articleTitle(a)}${passage}\n_${usageText(a.stats)}_`) },
    { type: 'actions', elements: buttons } as KnownBlock,
  ];
}

/** `/support kb <words>`: ranked articles with a passage each; `/support kb`: the most used. */
export function kbResultsMessage(
  title: string,
  articles: ArticleSummary[],
  empty: string,
): { text: string; blocks: KnownBlock[] } {
  const blocks: KnownBlock[] = [{ type: 'section', text: mrkdwn(`*${safe(title, 300)}*`) }];
  if (!articles.length) blocks.push({ type: 'section', text: mrkdwn(empty) });
  for (const a of articles.slice(0, 10)) blocks.push(...articleBlocks(a, { edit: true }));
  blocks.push({
    type: 'context',
    elements: [
      mrkdwn(
        'Save an article from a resolved ticket with *Save as article*. `/support kb <words>` searches; `/support kb` lists the most used.',
      ),
    ],
  });
  return {
    text: truncate(`${title}: ${articles.map((a) => `${a.key} ${a.title}`).join(', ') || 'none'}`, LIMITS.fallback),
    blocks,
  };
}

export interface ArticleDetail extends ArticleSummary {
  problem: string;
  cause: string;
  fix: string;
  verify: string;
  internalNotes: string;
  version: number;
  sources: Array<{ key: string }>;
}

/** An article in a modal (any article, internal notes included: the team only reaches it). */
export function articleViewModal(a: ArticleDetail): View {
  const part = (label: string, text: string) =>
    text.trim() ? [{ type: 'section', text: mrkdwn(`*${label}*\n${safe(text, 2800)}`) } as KnownBlock] : [];
  const sources = a.sources.length
    ? `From ${a.sources
        .slice(0, 10)
        .map((s) => s.key)
        .join(', ')}${a.sources.length > 10 ? '…' : ''} · `
    : '';
  return {
    type: 'modal',
    callback_id: CallbackIds.articleView,
    title: plain(a.key, LIMITS.modalTitle),
    close: plain('Close', LIMITS.modalTitle),
    blocks: [
      { type: 'header', text: plain(a.title, LIMITS.header) },
      {
        type: 'context',
        elements: [
          mrkdwn(
            `${a.visibility === 'public' ? 'Public' : 'Internal'} · version ${a.version} · ${sources}${usageText(a.stats)}${a.url ? ` · <${a.url}|public page>` : ''}`,
          ),
        ],
      },
      ...part('Problem', a.problem),
      ...part('Cause', a.cause),
      ...part('Fix', a.fix),
      ...part('How to verify', a.verify),
      ...part('Internal notes', a.internalNotes),
    ],
  };
}

function ticketLine(t: TicketMatch, workspaceUrl: string | undefined): string {
  const link =
    workspaceUrl && t.card ? `*<${messageUrl(workspaceUrl, t.card.channel, t.card.ts)}|${t.key}>*` : `*${t.key}*`;
  return `${link} · ${safe(t.subject, 200)} _(solved ticket)_\n>${safe(t.snippet, 400)}`;
}

/**
 * The best matches under a new card, in its thread: articles with View and Send this article (the reply
 * form prefilled), solved tickets linked to their cards.
 */
export function similarMatchesMessage(
  ticket: { id: string; key: string },
  matches: Match[],
  opts: { workspaceUrl?: string; articleUrl: (a: ArticleMatch) => string | undefined },
): { text: string; blocks: KnownBlock[] } {
  const blocks: KnownBlock[] = [
    { type: 'section', text: mrkdwn(`:bulb: *Similar articles and solved tickets* for ${ticket.key}`) },
  ];
  for (const m of matches) {
    if (m.kind === 'article') blocks.push(...articleBlocks({ ...m, url: opts.articleUrl(m) }, { ticketId: ticket.id }));
    else blocks.push({ type: 'section', text: mrkdwn(ticketLine(m, opts.workspaceUrl)) });
  }
  const names = matches.map((m) => (m.kind === 'article' ? `${m.key} ${m.title}` : `${m.key} ${m.subject}`));
  return { text: truncate(`Similar to ${ticket.key}: ${names.join('; ')}`, LIMITS.fallback), blocks };
}

/** A recurring subject with no article, offered for writing one. */
export interface KnowledgeGap {
  subject: string;
  count: number;
  ticketIds: string[];
}

/**
 * "Seen more than three times" under the weekly review and /support-report: each subject with a Write
 * article button, and how many tickets self-help solved.
 */
export function knowledgeGapBlocks(
  gaps: KnowledgeGap[],
  selfHelp: { now: number; before: number },
  minCount: number,
): KnownBlock[] {
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: mrkdwn(
        `*Seen more than ${minCount - 1} times, no article yet*${gaps.length ? '' : '\n_Every recurring subject has an article._'}`,
      ),
    },
  ];
  for (const g of gaps.slice(0, 5)) {
    blocks.push({
      type: 'section',
      text: mrkdwn(`• ${safe(g.subject, 200)}: *${g.count}×*`),
      accessory: button(ActionIds.kbWriteArticle, 'Write article', {
        subject: g.subject.slice(0, 150),
        ticketIds: g.ticketIds.slice(0, 10),
      }),
    } as KnownBlock);
  }
  const change = selfHelp.now - selfHelp.before;
  const trend = change > 0 ? `▲ ${change}` : change < 0 ? `▼ ${-change}` : '= 0';
  blocks.push({
    type: 'context',
    elements: [
      mrkdwn(`Self-help: ${selfHelp.now} ticket${selfHelp.now === 1 ? '' : 's'} solved by a help article (${trend})`),
    ],
  });
  return blocks;
}
