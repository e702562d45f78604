import type { Types } from 'mongoose';
import type { Models } from '../db/models/index.js';
import type { BugDoc } from '../db/models/bug.js';
import type { TicketDoc } from '../db/models/ticket.js';
import { TRACKER_LABELS } from './bug-refs.js';

type Deps = { models: Pick<Models, 'Ticket' | 'Bug'> };

/** How many tickets, from how many requesters, a bug has: what its comments and the form's impact say. */
export async function bugImpact(deps: Deps, bugId: string | Types.ObjectId): Promise<{ tickets: number; requesters: number }> {
  const [tickets, requesters] = await Promise.all([
    deps.models.Ticket.countDocuments({ 'bug.id': bugId }),
    deps.models.Ticket.distinct('requester.email', { 'bug.id': bugId }),
  ]);
  return { tickets, requesters: requesters.length };
}

/** The bug's tickets, in number order (a bug with thousands is walked a page at a time by the callers). */
export function bugTickets(deps: Deps, bugId: string | Types.ObjectId, after = 0, limit = 200): Promise<TicketDoc[]> {
  return deps.models.Ticket.find({ 'bug.id': bugId, number: { $gt: after } }).sort({ number: 1 }).limit(limit);
}

export function findBug(deps: Deps, bugId: string | Types.ObjectId): Promise<BugDoc | null> {
  return deps.models.Bug.findById(bugId);
}

/** "GitHub #12", "Jira APP-3", or "a GitHub issue" while it is being filed. */
export function bugName(bug: { tracker: string; key?: string | null }): string {
  const label = TRACKER_LABELS[bug.tracker as 'github' | 'jira'] ?? bug.tracker;
  return bug.key ? `${label} ${bug.key}` : `a ${label} issue`;
}
