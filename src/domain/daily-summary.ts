import { DeliveryKinds, OnceKeys } from '../db/once-keys.js';
import type { DomainDeps } from './deps.js';
import { formatLocalDate, localDate } from './sla-clock.js';
import { SLA_TARGETS, targetStanding, type SlaState, type SlaTarget } from './sla-state.js';
import { OPEN_STATUSES, PRIORITIES, type Category, type Priority } from './types.js';

/** A ticket as a summary lists it: enough for one line and a link to its card. */
export interface SummaryItem {
  key: string;
  subject: string;
  priority: Priority | null;
  suggestedPriority: Priority | null;
  status: string;
  assignee: string | null;
  createdAt: Date;
  card?: { channel?: string | null; ts?: string | null } | null;
  /** For SLA lists: which target, when it is due, and whether it has passed. */
  target?: SlaTarget;
  dueAt?: Date;
  overdue?: boolean;
}

export interface CappedList {
  total: number;
  items: SummaryItem[];
}

export const AGE_BUCKETS = [
  { label: '< 1 d', maxMs: 86_400_000 },
  { label: '1–3 d', maxMs: 3 * 86_400_000 },
  { label: '3–7 d', maxMs: 7 * 86_400_000 },
  { label: '> 7 d', maxMs: Infinity },
] as const;

export interface DailySummary {
  /** Team-local date, YYYY-MM-DD. */
  day: string;
  now: Date;
  since: Date;
  newTickets: CappedList;
  unassigned: CappedList;
  /** Open tickets by set priority (null: not set yet), counted per AGE_BUCKETS. */
  openByPriority: Array<{ priority: Priority | null; total: number; ages: number[] }>;
  openTotal: number;
  /** First response not sent and its target passed. */
  overdueResponses: CappedList;
  /** Any other running target at or beyond the warning threshold, or past due. */
  nearOrPast: CappedList;
  topCategories: Array<{ category: Category | null; count: number }>;
}

/** The fields a summary reads: one projection for both queries (the benchmark times exactly these). */
export const SUMMARY_FIELDS = { key: 1, subject: 1, priority: 1, suggestedPriority: 1, status: 1, assignee: 1, category: 1, createdAt: 1, firstResponseAt: 1, sla: 1, 'card.channel': 1, 'card.ts': 1 } as const;

export interface SummaryRow {
  key: string;
  subject: string;
  priority?: string | null;
  suggestedPriority?: string | null;
  status: string;
  assignee?: string | null;
  category?: string | null;
  createdAt: Date;
  firstResponseAt?: Date | null;
  sla?: SlaState | null;
  card?: { channel?: string | null; ts?: string | null } | null;
}

export const DAILY_LIST_CAP = 10;

const rank = (p: string | null | undefined) => (p ? PRIORITIES.indexOf(p as Priority) : PRIORITIES.length);
const byPriorityThenAge = (a: SummaryItem, b: SummaryItem) =>
  rank(a.priority ?? a.suggestedPriority) - rank(b.priority ?? b.suggestedPriority) || a.createdAt.getTime() - b.createdAt.getTime();
const byDue = (a: SummaryItem, b: SummaryItem) => a.dueAt!.getTime() - b.dueAt!.getTime();

/** Keeps the first `cap` items of a list in order without holding every candidate (open tickets may be 100,000). */
class TopList {
  private items: SummaryItem[] = [];
  total = 0;
  constructor(
    private readonly cap: number,
    private readonly order: (a: SummaryItem, b: SummaryItem) => number,
  ) {}
  add(item: SummaryItem): void {
    this.total++;
    this.items.push(item);
    if (this.items.length > this.cap * 4) this.trim();
  }
  private trim(): void {
    this.items.sort(this.order);
    this.items.length = Math.min(this.items.length, this.cap);
  }
  result(): CappedList {
    this.trim();
    return { total: this.total, items: this.items };
  }
}

function item(row: SummaryRow, extra: Partial<SummaryItem> = {}): SummaryItem {
  return {
    key: row.key,
    subject: row.subject,
    priority: (row.priority ?? null) as Priority | null,
    suggestedPriority: (row.suggestedPriority ?? null) as Priority | null,
    status: row.status,
    assignee: row.assignee ?? null,
    createdAt: row.createdAt,
    card: row.card ? { channel: row.card.channel, ts: row.card.ts } : null,
    ...extra,
  };
}

/**
 * The daily triage summary, built incrementally: feed it every open ticket and every ticket created since
 * the last summary. Pure (no I/O), so a known set of tickets gives a known summary.
 */
export class DailySummaryBuilder {
  private readonly newTickets: TopList;
  private readonly unassigned: TopList;
  private readonly overdue: TopList;
  private readonly near: TopList;
  private readonly byPriority = new Map<Priority | null, number[]>();
  private readonly categories = new Map<Category | null, number>();
  private openTotal = 0;

  constructor(
    private readonly day: string,
    private readonly now: Date,
    private readonly since: Date,
    cap = DAILY_LIST_CAP,
  ) {
    this.newTickets = new TopList(cap, byPriorityThenAge);
    this.unassigned = new TopList(cap, byPriorityThenAge);
    this.overdue = new TopList(cap, byDue);
    this.near = new TopList(cap, byDue);
  }

  addCreated(row: SummaryRow): void {
    this.newTickets.add(item(row));
  }

  addOpen(row: SummaryRow): void {
    this.openTotal++;
    if (!row.assignee) this.unassigned.add(item(row));
    const priority = (row.priority ?? null) as Priority | null;
    const ages = this.byPriority.get(priority) ?? AGE_BUCKETS.map(() => 0);
    const age = this.now.getTime() - row.createdAt.getTime();
    ages[AGE_BUCKETS.findIndex((b) => age < b.maxMs)]! += 1;
    this.byPriority.set(priority, ages);
    const category = (row.category ?? null) as Category | null;
    this.categories.set(category, (this.categories.get(category) ?? 0) + 1);

    let urgent: SummaryItem | undefined;
    for (const target of SLA_TARGETS) {
      const standing = targetStanding(row.sla, target, this.now);
      if (!standing || standing.state === 'ok') continue;
      const entry = item(row, { target, dueAt: standing.dueAt, overdue: standing.state === 'past' });
      if (target === 'response' && standing.state === 'past') this.overdue.add(entry);
      else if (!urgent || standing.dueAt < urgent.dueAt!) urgent = entry;
    }
    if (urgent) this.near.add(urgent);
  }

  result(): DailySummary {
    const order = [...PRIORITIES, null] as Array<Priority | null>;
    return {
      day: this.day,
      now: this.now,
      since: this.since,
      newTickets: this.newTickets.result(),
      unassigned: this.unassigned.result(),
      openByPriority: order.filter((p) => this.byPriority.has(p)).map((p) => {
        const ages = this.byPriority.get(p)!;
        return { priority: p, total: ages.reduce((a, b) => a + b, 0), ages };
      }),
      openTotal: this.openTotal,
      overdueResponses: this.overdue.result(),
      nearOrPast: this.near.result(),
      topCategories: [...this.categories.entries()]
        .map(([category, count]) => ({ category, count }))
        .sort((a, b) => b.count - a.count || String(a.category).localeCompare(String(b.category)))
        .slice(0, 5),
    };
  }
}

/** Reads the tickets a summary needs: those created in (since, now] and every open one, streamed. */
export async function loadDailySummary(deps: Pick<DomainDeps, 'models' | 'policy'>, now: Date, since: Date, cap = DAILY_LIST_CAP): Promise<DailySummary> {
  const builder = new DailySummaryBuilder(formatLocalDate(localDate(now, deps.policy.timeZone)), now, since, cap);
  const created = deps.models.Ticket.find({ createdAt: { $gt: since, $lte: now } }, SUMMARY_FIELDS).lean<SummaryRow[]>().cursor({ batchSize: 1000 });
  for await (const row of created) builder.addCreated(row);
  const open = deps.models.Ticket.find({ status: { $in: [...OPEN_STATUSES] } }, SUMMARY_FIELDS).lean<SummaryRow[]>().cursor({ batchSize: 1000 });
  for await (const row of open) builder.addOpen(row);
  return builder.result();
}

export type SummaryOutcome = 'posted' | 'already_posted' | 'holiday';

/** Delivers a summary once under `key` (src/db/once.ts); says whether this call posted it. */
export type DeliverSummary<T> = (key: string, kind: string, summary: T) => Promise<{ by: 'sent' | 'found' | 'earlier' }>;

/**
 * Posts the day's summary once, however many processes run the job: the day's key (in the team's time
 * zone) names one delivery. "New since the last summary" starts where the previous posted summary was
 * made (24 hours back for the very first).
 */
export async function runDailySummary(deps: DomainDeps, deliver: DeliverSummary<DailySummary>): Promise<SummaryOutcome> {
  const now = deps.clock.now();
  const day = formatLocalDate(localDate(now, deps.policy.timeZone));
  if (deps.policy.holidays.includes(day)) return 'holiday';
  const key = OnceKeys.dailySummary(day);
  if (await deps.models.Delivery.exists({ _id: key, state: 'done' })) return 'already_posted';
  const previous = await deps.models.Delivery.findOne({ kind: DeliveryKinds.dailySummary, state: 'done', _id: { $ne: key }, createdAt: { $lt: now } }, { createdAt: 1 })
    .sort({ createdAt: -1 })
    .lean();
  const since = previous?.createdAt ?? new Date(now.getTime() - 86_400_000);
  const summary = await loadDailySummary(deps, now, since);
  const { by } = await deliver(key, DeliveryKinds.dailySummary, summary);
  if (by !== 'sent') return 'already_posted';
  deps.logger.info({ day, open: summary.openTotal, new: summary.newTickets.total }, 'daily summary posted');
  return 'posted';
}
