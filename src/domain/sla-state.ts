import type { TicketDoc } from '../db/models/ticket.js';
import type { SlaPolicy } from './sla-policy.js';
import type { Priority } from './types.js';

/**
 * Brings the ticket's SLA fields up to date after any change: due times of the first-response and
 * resolution targets for its (set or suggested) priority, and `nextCheckAt`, the next moment the sweep
 * must look at it. Pure apart from mutating `ticket.sla`.
 */
export function updateSlaState(ticket: TicketDoc, policy: SlaPolicy, now: Date): void {
  void now;
  const priority = (ticket.priority ?? ticket.suggestedPriority) as Priority | null;
  const sla = ticket.sla ?? (ticket.sla = {} as never);
  if (!priority) {
    sla.firstResponseDueAt = undefined;
    sla.resolutionDueAt = undefined;
    sla.nextCheckAt = undefined;
    return;
  }
  const target = policy.targets[priority];
  const start = ticket.createdAt.getTime();
  sla.policyPriority = priority;
  sla.firstResponseDueAt = new Date(start + target.firstResponseMinutes * 60_000);
  sla.resolutionDueAt = new Date(start + target.resolutionMinutes * 60_000);
  const open = !['resolved', 'closed'].includes(ticket.status);
  const pending = [!ticket.firstResponseAt ? sla.firstResponseDueAt : undefined, open ? sla.resolutionDueAt : undefined].filter((d): d is Date => !!d);
  sla.nextCheckAt = open && pending.length ? new Date(Math.min(...pending.map((d) => d.getTime()))) : undefined;
}
