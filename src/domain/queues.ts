import type { QueryFilter } from 'mongoose';
import type { TicketFields } from '../db/models/ticket.js';
import type { DomainDeps } from './deps.js';
import type { SlaTarget } from './sla-state.js';
import { OPEN_STATUSES, PRIORITIES, type Priority } from './types.js';

/** What a ticket list shows of a ticket: enough for one line and a link to its card. */
export type QueueTicket = Pick<
  TicketFields,
  | 'key'
  | 'subject'
  | 'priority'
  | 'suggestedPriority'
  | 'status'
  | 'assignee'
  | 'requester'
  | 'createdAt'
  | 'card'
  | 'sla'
  | 'firstResponseAt'
> & { _id: unknown };

export interface TicketPage {
  tickets: QueueTicket[];
  /** How many match in all; the page shows the first few ("and N more"). */
  total: number;
}

export interface TicketNearTarget {
  ticket: QueueTicket;
  target: SlaTarget;
  dueAt: Date;
}

const LIST_FIELDS = {
  key: 1,
  subject: 1,
  priority: 1,
  suggestedPriority: 1,
  status: 1,
  assignee: 1,
  requester: 1,
  createdAt: 1,
  card: 1,
  sla: 1,
  firstResponseAt: 1,
} as const;

type QueueDeps = Pick<DomainDeps, 'models'>;
type TicketFilter = QueryFilter<TicketFields>;

// `$in: [null]` matches both a stored null and a missing field on MongoDB and SecantusDB alike.
const NONE = { $in: [null] };
const open: TicketFilter = { status: { $in: [...OPEN_STATUSES] } };

/** Open tickets assigned to `userId`, most urgent first. */
export function myOpenTickets(deps: QueueDeps, userId: string, limit = 10): Promise<TicketPage> {
  return byPriorityThenAge(deps, { ...open, assignee: userId }, limit);
}

/** Open tickets nobody owns yet, most urgent first. */
export function unassignedOpenTickets(deps: QueueDeps, limit = 10): Promise<TicketPage> {
  return byPriorityThenAge(deps, { ...open, assignee: NONE }, limit);
}

/**
 * Sorted by priority, then oldest first. A ticket nobody has triaged yet sorts by its suggested priority:
 * a possible outage waiting for triage belongs next to the P0s, not at the bottom. One query per priority
 * (each served by the status/priority/createdAt index) instead of sorting every open ticket in memory.
 */
async function byPriorityThenAge(deps: QueueDeps, base: TicketFilter, limit: number): Promise<TicketPage> {
  const Ticket = deps.models.Ticket;
  const total = await Ticket.countDocuments(base);
  const tickets: QueueTicket[] = [];
  const buckets: TicketFilter[] = [
    ...PRIORITIES.map((p: Priority) => ({ $or: [{ priority: p }, { priority: NONE, suggestedPriority: p }] })),
    { priority: NONE, suggestedPriority: NONE },
  ];
  for (const bucket of buckets) {
    if (tickets.length >= Math.min(limit, total)) break;
    const found = await Ticket.find({ ...base, ...bucket }, LIST_FIELDS)
      .sort({ createdAt: 1, _id: 1 })
      .limit(limit - tickets.length)
      .lean<QueueTicket[]>();
    tickets.push(...found);
  }
  return { tickets, total };
}

/**
 * Open tickets whose SLA clock runs, nearest their next check first (`sla.nextCheckAt`, kept by the SLA
 * code), each with the target still pending: the first response until one was sent, then resolution.
 */
export async function ticketsNearestTarget(deps: QueueDeps, limit = 5): Promise<TicketNearTarget[]> {
  const found = await deps.models.Ticket.find({ 'sla.nextCheckAt': { $ne: null }, ...open }, LIST_FIELDS)
    .sort({ 'sla.nextCheckAt': 1, _id: 1 })
    .limit(limit)
    .lean<QueueTicket[]>();
  const near: TicketNearTarget[] = [];
  for (const ticket of found) {
    const pending = pendingTarget(ticket);
    if (pending) near.push({ ticket, ...pending });
  }
  return near;
}

/** The target the ticket is working towards; none while the clock is paused (waiting on the customer). */
export function pendingTarget(
  t: Pick<QueueTicket, 'firstResponseAt' | 'sla'>,
): { target: SlaTarget; dueAt: Date } | undefined {
  if (t.sla?.pausedAt) return undefined;
  if (!t.firstResponseAt && t.sla?.firstResponseDueAt) return { target: 'response', dueAt: t.sla.firstResponseDueAt };
  if (t.sla?.resolutionDueAt) return { target: 'resolution', dueAt: t.sla.resolutionDueAt };
  return undefined;
}
