import type { DomainDeps } from './deps.js';
import { knowledgeIndex, type Hit } from './knowledge-index.js';
import { articleKey, articleSlug } from './knowledge.js';
import { searchTerms, snippet } from './search-text.js';

/** What the search finds: read from the index, then checked against the stored articles and tickets. */
export interface ArticleMatch {
  kind: 'article';
  id: string;
  key: string;
  number: number;
  slug: string;
  title: string;
  visibility: 'internal' | 'public';
  snippet: string;
  stats: { sent: number; views: number; solved: number };
}

export interface TicketMatch {
  kind: 'ticket';
  id: string;
  key: string;
  subject: string;
  snippet: string;
  resolvedAt?: Date;
  card?: { channel: string; ts: string };
}

export type Match = ArticleMatch | TicketMatch;

type Deps = Pick<DomainDeps, 'models' | 'clock'>;

const idOf = (hit: Hit) => hit.id.slice(2);

async function articlesFor(deps: Deps, hits: Hit[], publicOnly: boolean): Promise<Map<string, ArticleMatch>> {
  const ids = hits.filter((h) => h.kind === 'article').map(idOf);
  if (!ids.length) return new Map();
  const rows = await deps.models.Article.find(
    { _id: { $in: ids } },
    { number: 1, title: 1, visibility: 1, stats: 1 },
  ).lean();
  const byId = new Map(rows.map((a) => [String(a._id), a]));
  const out = new Map<string, ArticleMatch>();
  for (const hit of hits) {
    const a = byId.get(idOf(hit));
    if (!a || (publicOnly && a.visibility !== 'public')) continue;
    out.set(hit.id, {
      kind: 'article',
      id: String(a._id),
      key: articleKey(a),
      number: a.number,
      slug: articleSlug(a),
      title: a.title,
      visibility: a.visibility as 'internal' | 'public',
      snippet: snippet(hit.text, hit.terms),
      stats: { sent: a.stats?.sent ?? 0, views: a.stats?.views ?? 0, solved: a.stats?.solved ?? 0 },
    });
  }
  return out;
}

/** `/support kb <words>` and the public help search: articles ranked by the index, with a passage each. */
export async function searchArticles(
  deps: Deps,
  query: string,
  opts: { publicOnly: boolean; limit: number },
): Promise<ArticleMatch[]> {
  if (!searchTerms(query).length) return [];
  const index = knowledgeIndex(deps.models);
  await index.sync({ tickets: false, now: deps.clock.now() });
  // A few more than asked: the stored articles are the truth (one made internal since the index read it).
  const hits = index.query(query, (h) => h.kind === 'article' && (!opts.publicOnly || h.public), opts.limit * 2);
  const found = await articlesFor(deps, hits, opts.publicOnly);
  return hits.flatMap((h) => found.get(h.id) ?? []).slice(0, opts.limit);
}

export interface TicketText {
  id: string;
  subject: string;
  body?: string | null;
}

/** A ticket as a query: its subject and the start of its description. */
function ticketQuery(t: TicketText): string {
  return `${t.subject}\n${(t.body ?? '').slice(0, 1000)}`;
}

/**
 * Whether a hit is about the ticket rather than sharing a word with its long description: it matches two
 * of the query's terms (one for a one-word subject), one of them from the subject.
 */
function relevant(hit: Hit, subjectTerms: Set<string>): boolean {
  const matched = new Set(hit.queryTerms);
  const fromSubject = [...matched].some((t) => subjectTerms.has(t));
  return fromSubject && matched.size >= Math.min(2, subjectTerms.size);
}

/**
 * The best matches for a new ticket among the articles and the tickets solved in the last 90 days (the
 * index's horizon), best first. A ticket already behind a matched article, or reopened since, is left out.
 */
export async function similarMatches(
  deps: Deps,
  ticket: TicketText,
  { limit = 3, maxAgeMs }: { limit?: number; maxAgeMs?: number } = {},
): Promise<Match[]> {
  const subjectTerms = new Set(searchTerms(ticket.subject));
  if (!subjectTerms.size) return [];
  const index = knowledgeIndex(deps.models);
  await index.sync({ tickets: true, now: deps.clock.now(), ...(maxAgeMs ? { maxAgeMs } : {}) });
  const self = `t:${ticket.id}`;
  const hits = index.query(ticketQuery(ticket), (h) => h.id !== self && relevant(h, subjectTerms), limit * 3);
  const articles = await articlesFor(deps, hits, false);
  const ticketIds = hits.filter((h) => h.kind === 'ticket').map(idOf);
  const tickets = ticketIds.length
    ? await deps.models.Ticket.find(
        { _id: { $in: ticketIds } },
        { key: 1, subject: 1, status: 1, resolvedAt: 1, card: 1 },
      ).lean()
    : [];
  const ticketById = new Map(tickets.map((t) => [String(t._id), t]));
  const covered = articles.size
    ? new Set(
        (
          await deps.models.Article.find(
            { _id: { $in: [...articles.values()].map((a) => a.id) } },
            { sources: 1 },
          ).lean()
        ).flatMap((a) => a.sources.map((s) => String(s.ticketId))),
      )
    : new Set<string>();
  const out: Match[] = [];
  for (const hit of hits) {
    if (hit.kind === 'article') {
      const a = articles.get(hit.id);
      if (a) out.push(a);
      continue;
    }
    const t = ticketById.get(idOf(hit));
    if (!t || (t.status !== 'resolved' && t.status !== 'closed')) {
      index.drop(hit.id);
      continue;
    }
    if (covered.has(String(t._id))) continue;
    out.push({
      kind: 'ticket',
      id: String(t._id),
      key: t.key,
      subject: t.subject,
      snippet: snippet(hit.text, hit.terms),
      ...(t.resolvedAt ? { resolvedAt: t.resolvedAt } : {}),
      ...(t.card?.channel && t.card.ts ? { card: { channel: t.card.channel, ts: t.card.ts } } : {}),
    });
  }
  return out.slice(0, limit);
}

/** Up to `limit` public articles about a ticket, for its acknowledgement (KB_PUBLIC_ENABLED). */
export async function publicArticlesFor(deps: Deps, ticket: TicketText, limit = 3): Promise<ArticleMatch[]> {
  const subjectTerms = new Set(searchTerms(ticket.subject));
  if (!subjectTerms.size) return [];
  const index = knowledgeIndex(deps.models);
  await index.sync({ tickets: false, now: deps.clock.now() });
  const hits = index.query(
    ticketQuery(ticket),
    (h) => h.kind === 'article' && h.public && relevant(h, subjectTerms),
    limit * 2,
  );
  const found = await articlesFor(deps, hits, true);
  return hits.flatMap((h) => found.get(h.id) ?? []).slice(0, limit);
}
