import MiniSearch, { type SearchResult } from 'minisearch';
import { Types } from 'mongoose';
import type { Models } from '../db/models/index.js';
import { searchTerm, words } from './search-text.js';

/**
 * The knowledge search: articles and recently solved tickets in one MiniSearch index (BM25 ranking, prefix
 * and typo-tolerant matching) held by each process. SecantusDB, the test and embedded database, has no
 * `$text` index (it refuses to create one), so the search cannot live in the database.
 *
 * Each process keeps its index current by reading what changed since it last looked, before every search:
 * articles by `syncId` (a fresh ObjectId at every save, so wall-clock ordered across processes), solved
 * tickets by `resolvedAt`. Both reads start a margin before the newest seen, so a write that committed late
 * is still found; what is read again and unchanged is skipped.
 */
export const SOLVED_TICKET_DAYS = 90;
/** At most this many solved tickets are held (the most recent), whatever the team's volume. */
export const SOLVED_TICKET_MAX = 20_000;
const MARGIN_MS = 5 * 60_000;
const TICKET_TEXT_MAX = 2000;

export interface IndexedDoc {
  /** `a:<articleId>` or `t:<ticketId>`. */
  id: string;
  kind: 'article' | 'ticket';
  title: string;
  text: string;
  /** Articles: shown on the public help pages. */
  public: boolean;
}

export type Hit = SearchResult & Omit<IndexedDoc, 'id'> & { id: string };

function tokenize(text: string): string[] {
  return words(text);
}

function newSearch(): MiniSearch<IndexedDoc> {
  return new MiniSearch<IndexedDoc>({
    fields: ['title', 'text'],
    storeFields: ['kind', 'title', 'text', 'public'],
    tokenize,
    processTerm: (term) => searchTerm(term),
    searchOptions: {
      boost: { title: 3 },
      combineWith: 'OR',
      // The last word may be typed half ("expor"); longer words forgive a typo.
      prefix: (term, i, terms) => i === terms.length - 1 && term.length >= 3,
      fuzzy: (term) => (term.length >= 6 ? 0.2 : false),
    },
  });
}

type ArticleRow = {
  _id: Types.ObjectId;
  syncId: Types.ObjectId;
  title: string;
  problem?: string;
  cause?: string;
  fix?: string;
  verify?: string;
  visibility?: string;
};
type TicketRow = { _id: Types.ObjectId; subject: string; resolution?: string | null; resolvedAt?: Date | null };

export function articleText(a: Pick<ArticleRow, 'problem' | 'cause' | 'fix' | 'verify'>): string {
  return [a.problem, a.cause, a.fix, a.verify].filter(Boolean).join('\n');
}

class KnowledgeIndex {
  private readonly search = newSearch();
  /** What each indexed document was last indexed from (article syncId, ticket resolvedAt). */
  private readonly seen = new Map<string, string>();
  private articlesFrom?: Types.ObjectId;
  private ticketsFrom?: Date;
  private ticketsLoaded = false;
  private forgotAt = 0;
  private turn: Promise<unknown> = Promise.resolve();
  /** When the last sync with tickets started (real time), and whether this process changed a source since. */
  private syncedAt = 0;
  private stale = true;

  constructor(private readonly models: Pick<Models, 'Article' | 'Ticket'>) {}

  /**
   * Brings the index up to date (tickets only when asked), one sync at a time. With `maxAgeMs`, a sync with
   * tickets that started that recently is enough, unless this process saved an article or resolved a
   * ticket since (`changed`): every new ticket looks for similar ones, and a burst of them reads once.
   */
  sync(opts: { tickets: boolean; now: Date; maxAgeMs?: number }): Promise<void> {
    if (opts.tickets && opts.maxAgeMs && !this.stale && Date.now() - this.syncedAt < opts.maxAgeMs)
      return this.turn.then(() => undefined);
    const run = this.turn.then(async () => {
      const startedAt = Date.now();
      if (opts.tickets) this.stale = false;
      await this.syncArticles();
      if (opts.tickets) {
        await this.syncTickets(opts.now);
        this.syncedAt = startedAt;
      }
    });
    this.turn = run.catch(() => undefined);
    return run;
  }

  /** An article or a resolved ticket was saved by this process: the next sync reads, however recent the last. */
  changed(): void {
    this.stale = true;
  }

  query(text: string, filter: (doc: Hit) => boolean, limit: number): Hit[] {
    return (this.search.search(text, { filter: (r) => filter(r as Hit) }) as Hit[]).slice(0, limit);
  }

  /** Forgets a document that is gone or no longer counts (a reopened ticket), until it changes again. */
  drop(id: string): void {
    if (this.search.has(id)) this.search.discard(id);
    this.seen.delete(id);
  }

  private put(doc: IndexedDoc, stamp: string): void {
    if (this.seen.get(doc.id) === stamp) return;
    if (this.search.has(doc.id)) this.search.replace(doc);
    else this.search.add(doc);
    this.seen.set(doc.id, stamp);
  }

  private async syncArticles(): Promise<void> {
    const filter = this.articlesFrom ? { syncId: { $gte: this.articlesFrom } } : {};
    const rows = await this.models.Article.find(filter, {
      title: 1,
      problem: 1,
      cause: 1,
      fix: 1,
      verify: 1,
      visibility: 1,
      syncId: 1,
    })
      .sort({ syncId: 1 })
      .lean<ArticleRow[]>();
    for (const a of rows) {
      const doc: IndexedDoc = {
        id: `a:${a._id}`,
        kind: 'article',
        title: a.title,
        text: articleText(a),
        public: a.visibility === 'public',
      };
      this.put(doc, String(a.syncId));
    }
    const newest = rows.at(-1)?.syncId;
    if (newest)
      this.articlesFrom = Types.ObjectId.createFromTime(
        Math.floor((newest.getTimestamp().getTime() - MARGIN_MS) / 1000),
      );
  }

  private async syncTickets(now: Date): Promise<void> {
    const horizon = new Date(now.getTime() - SOLVED_TICKET_DAYS * 86_400_000);
    const from = this.ticketsFrom && this.ticketsFrom > horizon ? this.ticketsFrom : horizon;
    const rows = await this.models.Ticket.find(
      { resolvedAt: { $gte: from }, status: { $in: ['resolved', 'closed'] } },
      { subject: 1, resolution: 1, resolvedAt: 1 },
    )
      .sort({ resolvedAt: -1 })
      .limit(SOLVED_TICKET_MAX)
      .lean<TicketRow[]>();
    let newest = this.ticketsFrom;
    for (const t of rows) {
      if (!t.resolvedAt) continue;
      const doc: IndexedDoc = {
        id: `t:${t._id}`,
        kind: 'ticket',
        title: t.subject,
        text: (t.resolution ?? '').slice(0, TICKET_TEXT_MAX),
        public: false,
      };
      this.put(doc, t.resolvedAt.toISOString());
      if (!newest || t.resolvedAt > newest) newest = t.resolvedAt;
    }
    if (newest) this.ticketsFrom = new Date(newest.getTime() - MARGIN_MS);
    // Tickets that aged past the horizon leave the index (a walk over it, so at most once a minute).
    if (this.ticketsLoaded && now.getTime() - this.forgotAt > 60_000) {
      this.forgotAt = now.getTime();
      for (const [id, stamp] of this.seen) if (id.startsWith('t:') && new Date(stamp) < horizon) this.drop(id);
    }
    this.ticketsLoaded = true;
  }
}

/** One index per set of models (tests run several apps, each on its own database, in one process). */
const indexes = new WeakMap<object, KnowledgeIndex>();

export function knowledgeIndex(models: Pick<Models, 'Article' | 'Ticket'>): KnowledgeIndex {
  let index = indexes.get(models.Article);
  if (!index) {
    index = new KnowledgeIndex(models);
    indexes.set(models.Article, index);
  }
  return index;
}
