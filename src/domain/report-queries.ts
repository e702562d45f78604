import type { PipelineStage } from 'mongoose';
import type { Models } from '../db/models/index.js';
import type { Window } from './report-period.js';

/**
 * The database side of the report: counts and groupings as aggregation pipelines, so the server does the
 * counting and sends back a few rows whatever the number of tickets. Durations are streamed instead (see
 * report-figures.ts): business time cannot be computed inside the database.
 */
type TicketModel = Models['Ticket'];

export const inWindow = (w: Window) => ({ $gte: w.start, $lt: w.end });
/** The priority a ticket is measured against: set, else suggested, else the one its clock last ran under. */
export const EFFECTIVE_PRIORITY = {
  $ifNull: ['$priority', { $ifNull: ['$suggestedPriority', '$sla.policyPriority'] }],
};
export const eventIn = (kind: string, w: Window) => ({ timeline: { $elemMatch: { kind, at: inWindow(w) } } });

/**
 * Indexes the report's queries need. They are the report's own, so they are declared here rather than in
 * the shared ticket model; created at start (src/app.ts) and, once per connection, before the first report.
 */
export const REPORT_INDEXES: Array<Record<string, 1>> = [
  { 'timeline.kind': 1, 'timeline.at': 1 },
  { firstResponseAt: 1 },
  { 'sla.responseBreachedAt': 1 },
  { 'sla.resolutionBreachedAt': 1 },
];
const ensured = new WeakMap<object, Promise<void>>();

export function ensureReportIndexes(Ticket: TicketModel): Promise<void> {
  let p = ensured.get(Ticket.collection);
  if (!p) {
    p = (async () => {
      for (const keys of REPORT_INDEXES) await Ticket.collection.createIndex(keys);
    })().catch(() => undefined); // a server without an index type still answers, only slower
    ensured.set(Ticket.collection, p);
  }
  return p;
}

export interface CreatedGroup {
  category: string | null;
  priority: string | null;
  source: string;
  count: number;
}

/** Tickets created in the window, counted by category × priority × channel (one pipeline, every breakdown). */
export async function createdGroups(Ticket: TicketModel, w: Window): Promise<CreatedGroup[]> {
  const rows = await Ticket.aggregate<{ _id: { c?: string | null; p?: string | null; s: string }; n: number }>([
    { $match: { createdAt: inWindow(w) } },
    { $group: { _id: { c: '$category', p: EFFECTIVE_PRIORITY, s: '$source' }, n: { $sum: 1 } } },
  ]);
  return rows.map((r) => ({ category: r._id.c ?? null, priority: r._id.p ?? null, source: r._id.s, count: r.n }));
}

/** Exact subjects of the window's new tickets with their counts; near-duplicates are merged by the caller. */
export async function subjectGroups(
  Ticket: TicketModel,
  w: Window,
  limit = 2000,
): Promise<Array<{ subject: string; count: number }>> {
  const rows = await Ticket.aggregate<{ _id: string; n: number }>([
    { $match: { createdAt: inWindow(w) } },
    { $group: { _id: '$subject', n: { $sum: 1 } } },
    { $sort: { n: -1, _id: 1 } },
    { $limit: limit },
  ]);
  return rows.map((r) => ({ subject: r._id, count: r.n }));
}

/** Index of the bucket each boundary starts, from a `$bucket` answer keyed by boundary. */
function byBoundary(rows: Array<{ _id: unknown; n: number }>, buckets: Date[]): number[] {
  const out = buckets.map(() => 0);
  const index = new Map(buckets.map((b, i) => [b.getTime(), i]));
  for (const r of rows) {
    const i = r._id instanceof Date ? index.get(r._id.getTime()) : undefined;
    if (i !== undefined) out[i] = out[i]! + r.n;
  }
  return out;
}

/** New tickets per bucket ($bucket on the boundaries: local days or weeks). */
export async function createdPerBucket(Ticket: TicketModel, w: Window, buckets: Date[]): Promise<number[]> {
  if (!buckets.length) return [];
  const rows = await Ticket.aggregate<{ _id: unknown; n: number }>([
    { $match: { createdAt: inWindow(w) } },
    {
      $bucket: {
        groupBy: '$createdAt',
        boundaries: [...buckets, w.end],
        default: 'outside',
        output: { n: { $sum: 1 } },
      },
    },
  ]);
  return byBoundary(rows, buckets);
}

export async function reopenedCount(Ticket: TicketModel, w: Window): Promise<number> {
  return Ticket.countDocuments(eventIn('reopened', w));
}

export interface RatingGroup {
  assignee: string | null;
  responses: number;
  positive: number;
}

/**
 * One rating per survey answered in the window: a requester may change their answer while the survey is
 * open, and the latest one (last on the ticket's timeline) counts. An event without a survey id (older
 * data) is its own rating.
 */
export const latestAnswerPerSurvey: PipelineStage[] = [
  { $sort: { _id: 1, pos: 1 } },
  {
    $group: {
      _id: { ticket: '$_id', survey: { $ifNull: ['$timeline.data.surveyId', '$pos'] } },
      assignee: { $last: '$assignee' },
      timeline: { $last: '$timeline' },
    },
  },
];

const ratingStages = (w: Window, positiveFrom: number): PipelineStage[] => [
  { $match: eventIn('csat', w) },
  // Dotted paths: some servers read a nested projection object as a literal value.
  {
    $project: {
      assignee: 1,
      'timeline.kind': 1,
      'timeline.at': 1,
      'timeline.data.score': 1,
      'timeline.data.surveyId': 1,
    },
  },
  { $unwind: { path: '$timeline', includeArrayIndex: 'pos' } },
  // A numeric comparison only matches numbers, like the old `typeof score === 'number'`.
  { $match: { 'timeline.kind': 'csat', 'timeline.at': inWindow(w), 'timeline.data.score': { $gte: 1 } } },
  ...latestAnswerPerSurvey,
  { $addFields: { positive: { $cond: [{ $gte: ['$timeline.data.score', positiveFrom] }, 1, 0] } } },
];

/** Satisfaction ratings given in the window, per assignee of the rated ticket. */
export async function ratingsByAssignee(Ticket: TicketModel, w: Window, positiveFrom: number): Promise<RatingGroup[]> {
  const rows = await Ticket.aggregate<{ _id: string | null; n: number; p: number }>([
    ...ratingStages(w, positiveFrom),
    { $group: { _id: '$assignee', n: { $sum: 1 }, p: { $sum: '$positive' } } },
  ]);
  return rows.map((r) => ({ assignee: r._id ?? null, responses: r.n, positive: r.p }));
}

/** Ratings per bucket, for the trend. */
export async function ratingsPerBucket(
  Ticket: TicketModel,
  w: Window,
  buckets: Date[],
  positiveFrom: number,
): Promise<Array<{ responses: number; positive: number }>> {
  if (!buckets.length) return [];
  const rows = await Ticket.aggregate<{ _id: unknown; n: number; p: number }>([
    ...ratingStages(w, positiveFrom),
    {
      $bucket: {
        groupBy: '$timeline.at',
        boundaries: [...buckets, w.end],
        default: 'outside',
        output: { n: { $sum: 1 }, p: { $sum: '$positive' } },
      },
    },
  ]);
  const responses = byBoundary(rows, buckets);
  const positive = byBoundary(
    rows.map((r) => ({ _id: r._id, n: r.p })),
    buckets,
  );
  return responses.map((n, i) => ({ responses: n, positive: positive[i]! }));
}

/** Tickets open at `end`: created before it and neither resolved nor closed by then. */
export async function openAt(Ticket: TicketModel, end: Date): Promise<number> {
  return Ticket.countDocuments({
    createdAt: { $lt: end },
    $nor: [{ resolvedAt: { $lt: end } }, { closedAt: { $lt: end } }],
  });
}
