import type { Types } from 'mongoose';
import type { Models } from '../db/models/index.js';
import type { BugDoc } from '../db/models/bug.js';
import type { TicketDoc } from '../db/models/ticket.js';
import { TRACKER_LABELS } from './bug-refs.js';

type Deps = { models: Pick<Models, 'Ticket' | 'Bug'> };

/** How many tickets, from how many requesters, a bug has: what its comments and the form's impact say. */
export async function bugImpact(
  deps: Deps,
  bugId: string | Types.ObjectId,
): Promise<{ tickets: number; requesters: number }> {
  const [tickets, requesters] = await Promise.all([
    deps.models.Ticket.countDocuments({ 'bug.id': bugId }),
    deps.models.Ticket.distinct('requester.email', { 'bug.id': bugId }),
  ]);
  return { tickets, requesters: requesters.length };
}

/** The bug's tickets, in number order (a bug with thousands is walked a page at a time by the callers). */
export function bugTickets(deps: Deps, bugId: string | Types.ObjectId, after = 0, limit = 200): Promise<TicketDoc[]> {
  return deps.models.Ticket.find({ 'bug.id': bugId, number: { $gt: after } })
    .sort({ number: 1 })
    .limit(limit);
}

export function findBug(deps: Deps, bugId: string | Types.ObjectId): Promise<BugDoc | null> {
  return deps.models.Bug.findById(bugId);
}

/** "GitHub #12", "Jira APP-3", or "a GitHub issue" while it is being filed. */
export function bugName(bug: { tracker: string; key?: string | null }): string {
  const label = TRACKER_LABELS[bug.tracker as 'github' | 'jira'] ?? bug.tracker;
  return bug.key ? `${label} ${bug.key}` : `a ${label} issue`;
}

export interface BugPeriodStats {
  /** Bugs filed from cards in the period. */
  filed: number;
  /** Bugs fixed in the period. */
  fixed: number;
  /** Of the bugs filed or fixed in the period: how many tickets each has, on average. */
  ticketsPerBug?: number;
  /** Bugs fixed in the period: the median of the days from the opening to its fix. */
  medianDaysToFix?: number;
}

/** The report's bug figures for a window (half-open: start included, end not). */
export async function bugPeriodStats(deps: Deps, w: { start: Date; end: Date }): Promise<BugPeriodStats> {
  const within = { $gte: w.start, $lt: w.end };
  const [filed, fixed] = await Promise.all([
    deps.models.Bug.find({ openedAt: within, 'request.key': { $type: 'string' } }, { _id: 1 }).lean(),
    deps.models.Bug.find({ fixedAt: within }, { _id: 1, openedAt: 1, fixedAt: 1 }).lean(),
  ]);
  const ids = [...new Set([...filed, ...fixed].map((b) => String(b._id)))];
  const tickets = ids.length ? await deps.models.Ticket.countDocuments({ 'bug.id': { $in: ids } }) : 0;
  const days = fixed
    .filter((b) => b.openedAt && b.fixedAt)
    .map((b) => (b.fixedAt!.getTime() - b.openedAt!.getTime()) / 86_400_000);
  const sorted = days.sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : sorted.length ? (sorted[mid - 1]! + sorted[mid]!) / 2 : undefined;
  return {
    filed: filed.length,
    fixed: fixed.length,
    ...(ids.length ? { ticketsPerBug: tickets / ids.length } : {}),
    ...(median !== undefined ? { medianDaysToFix: median } : {}),
  };
}
