import { DeliveryKinds, OnceKeys } from '../db/once-keys.js';
import type { DomainDeps } from './deps.js';
import { formatLocalDate, localDate } from './local-time.js';
import { SLA_TARGETS, TARGET_FIELDS, targetStanding, type SlaState, type SlaTarget } from './sla-state.js';
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

/** The fields a summary shows of a ticket, and those its counts and lists are computed from. */
export const SUMMARY_FIELDS = {
  key: 1,
  subject: 1,
  priority: 1,
  suggestedPriority: 1,
  status: 1,
  assignee: 1,
  category: 1,
  createdAt: 1,
  firstResponseAt: 1,
  sla: 1,
  'card.channel': 1,
  'card.ts': 1,
} as const;

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

/** Where a ticket's effective priority (set, else suggested) ranks: P0 first, none last. */
const RANK = {
  $let: {
    vars: { i: { $indexOfArray: [[...PRIORITIES], { $ifNull: ['$priority', '$suggestedPriority'] }] } },
    in: { $cond: [{ $lt: ['$$i', 0] }, PRIORITIES.length, '$$i'] },
  },
};

/**
 * The target a "near or past" line shows: of the running targets at or beyond their warning, the one due
 * first, leaving out a first response that is past due (that one is listed under "overdue" instead).
 */
export function urgentStanding(
  sla: SlaState | null | undefined,
  now: Date,
): { target: SlaTarget; dueAt: Date; overdue: boolean } | undefined {
  let urgent: { target: SlaTarget; dueAt: Date; overdue: boolean } | undefined;
  for (const target of SLA_TARGETS) {
    const standing = targetStanding(sla, target, now);
    if (!standing || standing.state === 'ok' || (target === 'response' && standing.state === 'past')) continue;
    if (!urgent || standing.dueAt < urgent.dueAt)
      urgent = { target, dueAt: standing.dueAt, overdue: standing.state === 'past' };
  }
  return urgent;
}

/** Keeps the first `cap` items of a list in order without holding every candidate. */
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

const byDue = (a: SummaryItem, b: SummaryItem) => a.dueAt!.getTime() - b.dueAt!.getTime() || a.key.localeCompare(b.key);

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
 * The open tickets at or past a target's warning, each once: the candidates of the overdue and near-or-past
 * lists (a due time is never before its warning). Two indexed ranges, so their cost follows the tickets at
 * risk, not every open ticket.
 */
async function* ticketsAtRisk(Ticket: DomainDeps['models']['Ticket'], now: Date): AsyncGenerator<SummaryRow> {
  const seen = new Set<string>();
  for (const target of SLA_TARGETS) {
    const warned = { status: { $in: [...OPEN_STATUSES] }, [`sla.${TARGET_FIELDS[target].warnDue}`]: { $lte: now } };
    for await (const row of Ticket.find(warned, SUMMARY_FIELDS)
      .lean<Array<SummaryRow & { _id: unknown }>>()
      .cursor({ batchSize: 1000 })) {
      const id = String(row._id);
      if (!seen.has(id)) {
        seen.add(id);
        yield row;
      }
    }
  }
}

/**
 * Reads a summary with the server doing the work, so only a few dozen tickets travel however many are open:
 * one grouping counts the open tickets (by priority, age and category, and the unassigned); the new and
 * the unassigned lists are top-k sorts on the server; the SLA lists come from the tickets at risk only.
 * The queries run side by side.
 */
export async function loadDailySummary(
  deps: Pick<DomainDeps, 'models' | 'policy'>,
  now: Date,
  since: Date,
  cap = DAILY_LIST_CAP,
): Promise<DailySummary> {
  const Ticket = deps.models.Ticket;
  const open = { status: { $in: [...OPEN_STATUSES] } };
  const firstByRank = (match: Record<string, unknown>) =>
    Ticket.aggregate<SummaryRow>([
      { $match: match },
      { $addFields: { rank: RANK } },
      { $sort: { rank: 1, createdAt: 1, _id: 1 } },
      { $limit: cap },
      { $project: SUMMARY_FIELDS },
    ]);
  const ageBucket = {
    $switch: {
      branches: AGE_BUCKETS.slice(0, -1).map((b, i) => ({
        case: { $gt: ['$createdAt', new Date(now.getTime() - b.maxMs)] },
        then: i,
      })),
      default: AGE_BUCKETS.length - 1,
    },
  };
  const createdRange = { createdAt: { $gt: since, $lte: now } };
  const overdue = new TopList(cap, byDue);
  const near = new TopList(cap, byDue);
  const [createdTotal, created, groups, unassigned] = await Promise.all([
    Ticket.countDocuments(createdRange),
    firstByRank(createdRange),
    Ticket.aggregate<{
      _id: { priority: Priority | null; category: Category | null; age: number };
      n: number;
      unassigned: number;
    }>([
      { $match: open },
      {
        $group: {
          _id: {
            priority: { $ifNull: ['$priority', null] },
            category: { $ifNull: ['$category', null] },
            age: ageBucket,
          },
          n: { $sum: 1 },
          unassigned: { $sum: { $cond: [{ $eq: [{ $ifNull: ['$assignee', null] }, null] }, 1, 0] } },
        },
      },
    ]),
    firstByRank({ ...open, assignee: null }),
    (async () => {
      for await (const row of ticketsAtRisk(Ticket, now)) {
        const response = targetStanding(row.sla, 'response', now);
        if (response?.state === 'past')
          overdue.add(item(row, { target: 'response', dueAt: response.dueAt, overdue: true }));
        const urgent = urgentStanding(row.sla, now);
        if (urgent) near.add(item(row, urgent));
      }
    })(),
  ]);

  const byPriority = new Map<Priority | null, number[]>();
  const categories = new Map<Category | null, number>();
  let openTotal = 0;
  let unassignedTotal = 0;
  for (const g of groups) {
    openTotal += g.n;
    unassignedTotal += g.unassigned;
    const ages = byPriority.get(g._id.priority) ?? AGE_BUCKETS.map(() => 0);
    ages[g._id.age]! += g.n;
    byPriority.set(g._id.priority, ages);
    categories.set(g._id.category, (categories.get(g._id.category) ?? 0) + g.n);
  }
  const order = [...PRIORITIES, null] as Array<Priority | null>;
  return {
    day: formatLocalDate(localDate(now, deps.policy.timeZone)),
    now,
    since,
    newTickets: { total: createdTotal, items: created.map((row) => item(row)) },
    unassigned: { total: unassignedTotal, items: unassigned.map((row) => item(row)) },
    openByPriority: order
      .filter((p) => byPriority.has(p))
      .map((p) => {
        const ages = byPriority.get(p)!;
        return { priority: p, total: ages.reduce((a, b) => a + b, 0), ages };
      }),
    openTotal,
    overdueResponses: overdue.result(),
    nearOrPast: near.result(),
    topCategories: [...categories.entries()]
      .map(([category, count]) => ({ category, count }))
      .sort((a, b) => b.count - a.count || String(a.category).localeCompare(String(b.category)))
      .slice(0, 5),
  };
}

export type SummaryOutcome = 'posted' | 'already_posted' | 'holiday';

/** Delivers a summary once under `key` (src/db/once.ts); says whether this call posted it. */
export type DeliverSummary<T> = (
  key: string,
  kind: string,
  summary: T,
) => Promise<{ by: 'sent' | 'found' | 'earlier' }>;

/**
 * Posts the day's summary once, however many processes run the job: the day's key (in the team's time
 * zone) names one delivery. "New since the last summary" starts where the previous posted summary was
 * made (24 hours back for the very first).
 */
export async function runDailySummary(
  deps: DomainDeps,
  deliver: DeliverSummary<DailySummary>,
): Promise<SummaryOutcome> {
  const now = deps.clock.now();
  const day = formatLocalDate(localDate(now, deps.policy.timeZone));
  if (deps.policy.holidays.includes(day)) return 'holiday';
  const key = OnceKeys.dailySummary(day);
  if (await deps.models.Delivery.exists({ _id: key, state: 'done' })) return 'already_posted';
  const previous = await deps.models.Delivery.findOne(
    { kind: DeliveryKinds.dailySummary, state: 'done', _id: { $ne: key }, createdAt: { $lt: now } },
    { createdAt: 1 },
  )
    .sort({ createdAt: -1 })
    .lean();
  const since = previous?.createdAt ?? new Date(now.getTime() - 86_400_000);
  const summary = await loadDailySummary(deps, now, since);
  const { by } = await deliver(key, DeliveryKinds.dailySummary, summary);
  if (by !== 'sent') return 'already_posted';
  deps.logger.info({ day, open: summary.openTotal, new: summary.newTickets.total }, 'daily summary posted');
  return 'posted';
}
