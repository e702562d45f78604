import type { PipelineStage } from 'mongoose';
import { DeliveryKinds, OnceKeys } from '../db/once-keys.js';
import type { DomainDeps } from './deps.js';
import { formatLocalDate, localDate } from './sla-clock.js';
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

/** Where a ticket's effective priority (set, else suggested) ranks: P0 first, none last. */
function rankExpr() {
  const index = { $indexOfArray: [[...PRIORITIES], { $ifNull: ['$priority', '$suggestedPriority'] }] };
  return { $let: { vars: { i: index }, in: { $cond: [{ $lt: ['$$i', 0] }, PRIORITIES.length, '$$i'] } } };
}

/** targetStanding (sla-state.ts) as an aggregation expression: 'past', 'near', 'ok', or null when the target does not run. */
function standingExpr(target: SlaTarget, now: Date) {
  const due = `$sla.${TARGET_FIELDS[target].due}`;
  const warnDue = `$sla.${TARGET_FIELDS[target].warnDue}`;
  const runs = { $and: [{ $gt: [due, null] }, { $gt: [warnDue, null] }] };
  return { $cond: [runs, { $cond: [{ $lte: [due, now] }, 'past', { $cond: [{ $lte: [warnDue, now] }, 'near', 'ok'] }] }, null] };
}

/**
 * The target a "near or past" line shows: of the running targets at or beyond their warning, the one due
 * first, leaving out a first response that is past due (that one is listed under "overdue" instead).
 */
export function urgentStanding(sla: SlaState | null | undefined, now: Date): { target: SlaTarget; dueAt: Date; overdue: boolean } | undefined {
  let urgent: { target: SlaTarget; dueAt: Date; overdue: boolean } | undefined;
  for (const target of SLA_TARGETS) {
    const standing = targetStanding(sla, target, now);
    if (!standing || standing.state === 'ok' || (target === 'response' && standing.state === 'past')) continue;
    if (!urgent || standing.dueAt < urgent.dueAt) urgent = { target, dueAt: standing.dueAt, overdue: standing.state === 'past' };
  }
  return urgent;
}

/** urgentStanding's due time as an aggregation expression (null when there is none), so the server can sort by it. */
function urgentDueExpr() {
  const response = { $cond: [{ $eq: ['$responseStanding', 'near'] }, `$sla.${TARGET_FIELDS.response.due}`, null] };
  const resolution = { $cond: [{ $in: ['$resolutionStanding', ['near', 'past']] }, `$sla.${TARGET_FIELDS.resolution.due}`, null] };
  return {
    $let: {
      vars: { a: response, b: resolution },
      in: { $cond: [{ $eq: ['$$a', null] }, '$$b', { $cond: [{ $eq: ['$$b', null] }, '$$a', { $cond: [{ $lte: ['$$a', '$$b'] }, '$$a', '$$b'] }] }] },
    },
  };
}

/**
 * A capped list as two facets over the same tickets: its count and its first `cap` rows in `sortBy` order
 * (a top-k sort on the server). Plain stages, not `$topN`, which SecantusDB refuses inside `$facet`.
 */
function cappedFacets(name: string, match: Record<string, unknown>, cap: number, sortBy: Record<string, 1>): Record<string, PipelineStage.FacetPipelineStage[]> {
  return {
    [name]: [{ $match: match }, { $sort: { ...sortBy, _id: 1 } }, { $limit: cap }],
    [`${name}Total`]: [{ $match: match }, { $count: 'n' }],
  };
}

type Facets = Record<string, Array<SummaryRow & { n?: number }>>;

const capped = (facets: Facets | undefined, name: string, toItem: (row: SummaryRow) => SummaryItem): CappedList => ({
  total: facets?.[`${name}Total`]?.[0]?.n ?? 0,
  items: (facets?.[name] ?? []).map(toItem),
});

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
 * Reads a summary in two aggregations, so the server counts and picks the capped lists and only a few dozen
 * tickets travel (open tickets may be 100,000): the tickets created in (since, now], and every open one
 * (counts by priority, age and category; the unassigned, overdue and near-or-past lists).
 */
export async function loadDailySummary(deps: Pick<DomainDeps, 'models' | 'policy'>, now: Date, since: Date, cap = DAILY_LIST_CAP): Promise<DailySummary> {
  const Ticket = deps.models.Ticket;
  const [created] = await Ticket.aggregate<Facets>([
    { $match: { createdAt: { $gt: since, $lte: now } } },
    { $project: { ...SUMMARY_FIELDS, rank: rankExpr() } },
    { $facet: cappedFacets('created', {}, cap, { rank: 1, createdAt: 1 }) },
  ]);
  const ageBucket = {
    $switch: {
      branches: AGE_BUCKETS.slice(0, -1).map((b, i) => ({ case: { $gt: ['$createdAt', new Date(now.getTime() - b.maxMs)] }, then: i })),
      default: AGE_BUCKETS.length - 1,
    },
  };
  const [open] = await Ticket.aggregate<Facets & { counts: Array<{ _id: { priority: Priority | null; category: Category | null; age: number }; n: number }> }>([
    { $match: { status: { $in: [...OPEN_STATUSES] } } },
    { $project: { ...SUMMARY_FIELDS, rank: rankExpr(), age: ageBucket, responseStanding: standingExpr('response', now), resolutionStanding: standingExpr('resolution', now) } },
    { $addFields: { urgentDue: urgentDueExpr() } },
    {
      $facet: {
        counts: [{ $group: { _id: { priority: { $ifNull: ['$priority', null] }, category: { $ifNull: ['$category', null] }, age: '$age' }, n: { $sum: 1 } } }],
        ...cappedFacets('unassigned', { assignee: null }, cap, { rank: 1, createdAt: 1 }),
        ...cappedFacets('overdue', { responseStanding: 'past' }, cap, { [`sla.${TARGET_FIELDS.response.due}`]: 1 }),
        ...cappedFacets('near', { urgentDue: { $ne: null } }, cap, { urgentDue: 1 }),
      },
    },
  ]);

  const byPriority = new Map<Priority | null, number[]>();
  const categories = new Map<Category | null, number>();
  let openTotal = 0;
  for (const { _id, n } of open?.counts ?? []) {
    openTotal += n;
    const ages = byPriority.get(_id.priority) ?? AGE_BUCKETS.map(() => 0);
    ages[_id.age]! += n;
    byPriority.set(_id.priority, ages);
    categories.set(_id.category, (categories.get(_id.category) ?? 0) + n);
  }
  const order = [...PRIORITIES, null] as Array<Priority | null>;
  const responseDue = (row: SummaryRow) => row.sla![TARGET_FIELDS.response.due]!;
  return {
    day: formatLocalDate(localDate(now, deps.policy.timeZone)),
    now,
    since,
    newTickets: capped(created, 'created', (row) => item(row)),
    unassigned: capped(open, 'unassigned', (row) => item(row)),
    openByPriority: order.filter((p) => byPriority.has(p)).map((p) => {
      const ages = byPriority.get(p)!;
      return { priority: p, total: ages.reduce((a, b) => a + b, 0), ages };
    }),
    openTotal,
    overdueResponses: capped(open, 'overdue', (row) => item(row, { target: 'response', dueAt: responseDue(row), overdue: true })),
    nearOrPast: capped(open, 'near', (row) => item(row, urgentStanding(row.sla, now))),
    topCategories: [...categories.entries()]
      .map(([category, count]) => ({ category, count }))
      .sort((a, b) => b.count - a.count || String(a.category).localeCompare(String(b.category)))
      .slice(0, 5),
  };
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
