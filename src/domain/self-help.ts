import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DomainDeps } from './deps.js';
import { articleKey, articleSlug, numberFromSlug, recordArticleView } from './knowledge.js';
import { changeTicket } from './ticket-changes.js';
import { OPEN_STATUSES, type Status } from './types.js';

/**
 * Self-help (KB_PUBLIC_ENABLED): the acknowledgement links public articles about the ticket; each link
 * carries a signed token naming the ticket and the article, with which the public page offers "This solved
 * my problem". The page's GET only shows; its form's POST resolves the ticket (mail scanners fetch links).
 */
export const SELF_HELP_VALID_DAYS = 30;

export interface SelfHelpClaim {
  ticketId: string;
  articleNumber: number;
  expiresAt: Date;
}

function mac(key: Buffer, payload: string): Buffer {
  // Its own label: a survey token can never pass as a self-help token, though both use the same key.
  return createHmac('sha256', key).update(`help.v1.${payload}`).digest();
}

export function signSelfHelp(key: Buffer, c: SelfHelpClaim): string {
  const payload = Buffer.from(`${c.ticketId}.${c.articleNumber}.${Math.floor(c.expiresAt.getTime() / 1000)}`).toString(
    'base64url',
  );
  return `${payload}.${mac(key, payload).toString('base64url')}`;
}

export function verifySelfHelp(key: Buffer, token: string, now: Date): SelfHelpClaim | undefined {
  const m = /^([A-Za-z0-9_-]{1,120})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return undefined;
  const given = Buffer.from(m[2]!, 'base64url');
  const expected = mac(key, m[1]!);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const parts = /^([a-f0-9]{24})\.(\d{1,9})\.(\d{1,12})$/.exec(Buffer.from(m[1]!, 'base64url').toString('utf8'));
  if (!parts) return undefined;
  const claim = { ticketId: parts[1]!, articleNumber: Number(parts[2]), expiresAt: new Date(Number(parts[3]) * 1000) };
  return claim.expiresAt > now ? claim : undefined;
}

/** The public address of an article, with a "solved" token for one ticket when given. */
export function helpLink(
  deps: Pick<DomainDeps, 'settings' | 'clock'>,
  article: { number: number; title: string },
  ticketId?: string,
): string {
  const url = `${deps.settings.survey.baseUrl}/help/${encodeURIComponent(articleSlug(article))}`;
  if (!ticketId) return url;
  const expiresAt = new Date(deps.clock.now().getTime() + SELF_HELP_VALID_DAYS * 86_400_000);
  return `${url}?t=${signSelfHelp(deps.settings.survey.key, { ticketId, articleNumber: article.number, expiresAt })}`;
}

/** An article as the public sees it: no internal notes, no source tickets, no requester, no usage. */
export interface PublicArticle {
  number: number;
  key: string;
  slug: string;
  title: string;
  problem: string;
  cause: string;
  fix: string;
  verify: string;
  updatedAt: Date;
}

const PUBLIC_FIELDS = {
  number: 1,
  title: 1,
  problem: 1,
  cause: 1,
  fix: 1,
  verify: 1,
  updatedAt: 1,
  visibility: 1,
} as const;

async function publicArticle(deps: Pick<DomainDeps, 'models'>, slug: string) {
  const number = numberFromSlug(slug);
  if (number === undefined) return undefined;
  // Only these fields are ever read for the public: nothing else can leak onto the page.
  const a = await deps.models.Article.findOne({ number, visibility: 'public' }, PUBLIC_FIELDS).lean();
  if (!a) return undefined;
  const article: PublicArticle = {
    number: a.number,
    key: articleKey(a),
    slug: articleSlug(a),
    title: a.title,
    problem: a.problem ?? '',
    cause: a.cause ?? '',
    fix: a.fix,
    verify: a.verify ?? '',
    updatedAt: a.updatedAt,
  };
  return { id: a._id, article };
}

export type HelpPage =
  | { kind: 'article'; article: PublicArticle; solvedForm?: { token: string } }
  | { kind: 'not_found' };

/**
 * GET /help/:slug: a public article (an internal one is not found), counted as a view. With a valid token
 * for an open ticket the page offers "This solved my problem"; nothing else is written.
 */
export async function showHelpArticle(
  deps: Pick<DomainDeps, 'models' | 'settings' | 'clock'>,
  slug: string,
  token?: string,
): Promise<HelpPage> {
  const found = await publicArticle(deps, slug);
  if (!found) return { kind: 'not_found' };
  await recordArticleView(deps, found.id);
  const claim = token ? verifySelfHelp(deps.settings.survey.key, token, deps.clock.now()) : undefined;
  if (!claim || claim.articleNumber !== found.article.number) return { kind: 'article', article: found.article };
  const ticket = await deps.models.Ticket.findById(claim.ticketId, { status: 1 }).lean();
  const open = !!ticket && OPEN_STATUSES.includes(ticket.status as Status);
  return { kind: 'article', article: found.article, ...(open ? { solvedForm: { token: token! } } : {}) };
}

export type SolvedOutcome =
  | { kind: 'solved'; article: PublicArticle }
  | { kind: 'already'; article: PublicArticle }
  | { kind: 'invalid' }
  | { kind: 'not_found' };

/**
 * POST /help/:slug/solved: the requester says the article solved their problem. Resolves the ticket once
 * (a ticket no longer open, or a second POST, changes nothing), tells the assignee in the card's thread, and
 * counts the article's deflection.
 */
export async function markSolvedBySelfHelp(deps: DomainDeps, slug: string, token: string): Promise<SolvedOutcome> {
  const found = await publicArticle(deps, slug);
  if (!found) return { kind: 'not_found' };
  const claim = verifySelfHelp(deps.settings.survey.key, token, deps.clock.now());
  if (!claim || claim.articleNumber !== found.article.number) return { kind: 'invalid' };
  const ticket = await deps.models.Ticket.findById(claim.ticketId, { requester: 1 }).lean();
  if (!ticket) return { kind: 'invalid' };
  const { article } = found;
  const actor = {
    type: 'requester' as const,
    id: ticket.requester?.email ?? undefined,
    name: ticket.requester?.name || ticket.requester?.email || undefined,
  };
  const outcome = await changeTicket(
    deps,
    claim.ticketId,
    { actor, dedupeKey: `self-help:${claim.ticketId}` },
    (t, record) => {
      const status = t.status as Status;
      if (!OPEN_STATUSES.includes(status)) return;
      t.status = 'resolved';
      t.resolvedAt = deps.clock.now();
      t.closedAt = undefined;
      t.resolution = `Solved by the requester with the help article ${article.key} "${article.title}"`;
      const assignee = t.assignee ?? null;
      record({
        kind: 'resolved',
        // The title may be a requester's subject: it goes in the quote, which the thread note escapes.
        text: `{actor} says help article ${article.key} solved it: resolved by self-help${assignee ? ' (for {assignee})' : ''}`,
        notify: true,
        data: { via: 'self_help', articleId: String(found.id), statusFrom: status, assignee, quote: article.title },
      });
    },
  );
  if (!outcome.changed) return { kind: 'already', article };
  await deps.models.Article.updateOne({ _id: found.id }, { $inc: { 'stats.solved': 1, uses: 1 } });
  deps.logger.info({ ticket: outcome.ticket.key, article: article.key }, 'ticket solved by self-help');
  return { kind: 'solved', article };
}

/** Tickets resolved by self-help in a window (the deflection count of the weekly review and the report). */
export async function selfHelpSolvedCount(
  deps: Pick<DomainDeps, 'models'>,
  w: { start: Date; end: Date },
): Promise<number> {
  return deps.models.Ticket.countDocuments({
    timeline: { $elemMatch: { kind: 'resolved', at: { $gte: w.start, $lt: w.end }, 'data.via': 'self_help' } },
  });
}

/** GET /help without a query: the public articles, most used first. */
export async function publicArticleList(
  deps: Pick<DomainDeps, 'models'>,
  limit = 30,
): Promise<Array<{ key: string; slug: string; title: string; summary: string }>> {
  const rows = await deps.models.Article.find({ visibility: 'public' }, { number: 1, title: 1, problem: 1, fix: 1 })
    .sort({ uses: -1, number: -1 })
    .limit(limit)
    .lean();
  return rows.map((a) => ({
    key: articleKey(a),
    slug: articleSlug(a),
    title: a.title,
    summary: (a.problem || a.fix).slice(0, 200),
  }));
}
