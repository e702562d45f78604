import { Types } from 'mongoose';
import type { ArticleDoc, ArticleFields } from '../db/models/article.js';
import { nextSequence } from '../db/models/counter.js';
import { isDuplicateKeyError } from '../db/models/idempotency-key.js';
import type { DomainDeps } from './deps.js';
import { knowledgeIndex } from './knowledge-index.js';
import { greeting, MAIL_SUBJECT_MAX, oneLine } from './outbox.js';
import { DomainError } from './errors.js';
import { subjectKey } from './report-figures.js';
import { words } from './search-text.js';
import type { Actor } from './types.js';

/**
 * The knowledge base: solved cases written up as articles (PRODUCT.md, "Knowledge"). Decisions and writes
 * here; the search is src/domain/knowledge-search.ts.
 */
export const ARTICLE_VISIBILITIES = ['internal', 'public'] as const;
export type ArticleVisibility = (typeof ARTICLE_VISIBILITIES)[number];
/** Slack's plain-text input limit: every field fits one. */
export const ARTICLE_FIELD_MAX = 3000;
export const ARTICLE_TITLE_MAX = 150;
const REVISIONS_KEPT = 50;
const SOURCES_KEPT = 100;
const SENT_KEYS_KEPT = 200;

export interface ArticleContent {
  title: string;
  problem: string;
  cause: string;
  fix: string;
  verify: string;
  internalNotes: string;
  visibility: ArticleVisibility;
}

export type ArticleRef = Pick<ArticleFields, 'number' | 'title'>;

export function articleKey(a: Pick<ArticleFields, 'number'>): string {
  return `KB-${a.number}`;
}

/** `12-export-stops-at-10k-rows`: the number finds the article, the words are for people (and may change). */
export function articleSlug(a: ArticleRef): string {
  const tail = words(a.title.toLowerCase()).join('-').slice(0, 60).replace(/-+$/, '');
  return tail ? `${a.number}-${tail}` : String(a.number);
}

/** The article number a slug (or bare number) names; undefined for anything else. */
export function numberFromSlug(slug: string): number | undefined {
  const m = /^(\d{1,9})(?:-[\p{L}\p{N}-]*)?$/u.exec(slug);
  return m ? Number(m[1]) : undefined;
}

/** What the "Save as article" form starts from: the ticket's own words, its resolution, how it was verified. */
export async function articleDraftFromTicket(
  deps: Pick<DomainDeps, 'models'>,
  ticketId: string,
): Promise<{ ticket: { id: string; key: string; subject: string }; draft: ArticleContent }> {
  const ticket = await deps.models.Ticket.findById(ticketId, {
    key: 1,
    subject: 1,
    body: 1,
    resolution: 1,
    'timeline.kind': 1,
    'timeline.data.quote': 1,
  }).lean();
  if (!ticket) throw new DomainError('That ticket no longer exists.');
  const resolved = [...(ticket.timeline ?? [])].reverse().find((e) => e.kind === 'resolved');
  const quote = (resolved?.data as { quote?: string } | undefined)?.quote ?? '';
  const verify = quote.includes('How to verify: ') ? quote.slice(quote.lastIndexOf('How to verify: ') + 15) : '';
  return {
    ticket: { id: String(ticket._id), key: ticket.key, subject: ticket.subject },
    draft: {
      title: cleanTitle(ticket.subject),
      problem: (ticket.body ?? '').trim().slice(0, ARTICLE_FIELD_MAX),
      cause: '',
      fix: (ticket.resolution ?? '').slice(0, ARTICLE_FIELD_MAX),
      verify: verify.trim().slice(0, ARTICLE_FIELD_MAX),
      internalNotes: '',
      visibility: 'internal',
    },
  };
}

/** A subject as an article title: without "Re:"/"Fwd:" and ticket numbers. */
export function cleanTitle(subject: string): string {
  return subject
    .replace(/^\s*((re|fwd?|aw|wg)\s*:\s*)+/i, '')
    .replace(/\[SUP-\d+\]\s*/gi, '')
    .trim()
    .slice(0, ARTICLE_TITLE_MAX);
}

export interface SaveArticleInput {
  /** The form submission (view id): a redelivered submission saves once. */
  requestKey: string;
  actor: Actor;
  content: ArticleContent;
  /** The ticket it was written from, or the tickets of a recurring subject. */
  sourceTicketIds?: string[];
}

/** Creates an article (version 1), linked to the tickets it was written from. Saving the same form twice saves once. */
export async function createArticle(
  deps: Pick<DomainDeps, 'models' | 'clock'>,
  input: SaveArticleInput,
): Promise<{ article: ArticleDoc; created: boolean }> {
  const { Article } = deps.models;
  const earlier = await Article.findOne({ 'revisions.requestKey': input.requestKey });
  if (earlier) return { article: earlier, created: false };
  const ids = (input.sourceTicketIds ?? []).filter((id) => Types.ObjectId.isValid(id)).slice(0, SOURCES_KEPT);
  const sources = ids.length ? await deps.models.Ticket.find({ _id: { $in: ids } }, { key: 1, subject: 1 }).lean() : [];
  const now = deps.clock.now();
  const number = await nextSequence(deps.models.Counter, 'article', 0);
  const subjectKeys = [
    ...new Set([input.content.title, ...sources.map((s) => s.subject)].map(subjectKey).filter(Boolean)),
  ];
  try {
    const article = await Article.create({
      number,
      ...input.content,
      version: 1,
      revisions: [{ version: 1, at: now, by: input.actor, requestKey: input.requestKey, ...input.content }],
      sources: sources.map((s) => ({ ticketId: s._id, key: s.key, subject: s.subject })),
      subjectKeys,
      syncId: new Types.ObjectId(),
      createdBy: input.actor,
      createdAt: now,
      updatedAt: now,
    });
    knowledgeIndex(deps.models).changed();
    return { article, created: true };
  } catch (err) {
    // The same submission, delivered twice at once: the other delivery created it.
    if (!isDuplicateKeyError(err)) throw err;
    const other = await Article.findOne({ 'revisions.requestKey': input.requestKey });
    if (!other) throw err;
    return { article: other, created: false };
  }
}

/**
 * Saves a new version of an article: one conditional update on the version the form was opened with, so
 * an edit made meanwhile by someone else is never overwritten silently.
 */
export async function reviseArticle(
  deps: Pick<DomainDeps, 'models' | 'clock'>,
  input: { articleId: string; baseVersion: number; requestKey: string; actor: Actor; content: ArticleContent },
): Promise<{ article: ArticleDoc; changed: boolean }> {
  const { Article } = deps.models;
  const current = await Article.findById(input.articleId);
  if (!current) throw new DomainError('That article no longer exists.');
  if (current.revisions.some((r) => r.requestKey === input.requestKey)) return { article: current, changed: false };
  const now = deps.clock.now();
  const version = input.baseVersion + 1;
  const updated = await Article.findOneAndUpdate(
    { _id: current._id, version: input.baseVersion },
    {
      $set: { ...input.content, version, updatedAt: now, syncId: new Types.ObjectId() },
      // A new title is one more subject the article answers (the earlier ones stay: their tickets still match).
      ...(subjectKey(input.content.title) ? { $addToSet: { subjectKeys: subjectKey(input.content.title) } } : {}),
      $push: {
        revisions: {
          $each: [{ version, at: now, by: input.actor, requestKey: input.requestKey, ...input.content }],
          $slice: -REVISIONS_KEPT,
        },
      },
    },
    { returnDocument: 'after' },
  );
  if (!updated)
    throw new DomainError(
      `${articleKey(current)} was changed by someone else since you opened it (now version ${current.version}). Open it again to edit the latest version.`,
    );
  knowledgeIndex(deps.models).changed();
  return { article: updated, changed: true };
}

export async function articleById(deps: Pick<DomainDeps, 'models'>, articleId: string): Promise<ArticleDoc> {
  const article = Types.ObjectId.isValid(articleId) ? await deps.models.Article.findById(articleId) : null;
  if (!article) throw new DomainError('That article no longer exists.');
  return article;
}

/** `/support kb` alone: the articles used most (sent, viewed, solved a ticket), then the newest. */
export async function mostUsedArticles(deps: Pick<DomainDeps, 'models'>, limit = 10) {
  return deps.models.Article.find({}, { revisions: 0, sentKeys: 0 }).sort({ uses: -1, number: -1 }).limit(limit).lean();
}

/**
 * Counts an article as sent to a requester by an agent, once per reply form (Slack redelivers submissions).
 */
export async function recordArticleSent(
  deps: Pick<DomainDeps, 'models'>,
  articleId: string,
  requestKey: string,
): Promise<void> {
  if (!Types.ObjectId.isValid(articleId)) return;
  await deps.models.Article.updateOne(
    { _id: articleId, sentKeys: { $ne: requestKey } },
    { $inc: { 'stats.sent': 1, uses: 1 }, $push: { sentKeys: { $each: [requestKey], $slice: -SENT_KEYS_KEPT } } },
  );
}

/** Counts a view of an article's public page. */
export async function recordArticleView(deps: Pick<DomainDeps, 'models'>, articleId: Types.ObjectId): Promise<void> {
  await deps.models.Article.updateOne({ _id: articleId }, { $inc: { 'stats.views': 1, uses: 1 } });
}

/**
 * The reply "Send this article" starts from: the article's fix and how to verify it, in the requester's
 * terms, and its public page when there is one. The agent edits it before sending.
 */
export function articleReplyText(
  ticket: { subject: string; requester?: { name?: string | null; email?: string | null } | null },
  article: Pick<ArticleFields, 'title' | 'fix' | 'verify'>,
  url?: string,
): string {
  const lines = [
    greeting(ticket),
    '',
    `Thank you for your message about "${oneLine(ticket.subject, MAIL_SUBJECT_MAX)}". We have seen this before, and this is how to solve it:`,
    '',
    article.title,
    article.fix.trim(),
  ];
  if (article.verify?.trim()) lines.push('', 'How to check that it works:', article.verify.trim());
  if (url) lines.push('', `The full article: ${url}`);
  lines.push('', 'If this does not solve it for you, just reply to this email and we will look into it further.');
  return lines.join('\n');
}
