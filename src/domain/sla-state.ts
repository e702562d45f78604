import type { TicketDoc } from '../db/models/ticket.js';
import type { BusinessClock } from './sla-clock.js';
import { clockNamed, scheduleFor, type SlaPolicy } from './sla-policy.js';
import { routeTicket } from './sla-routing.js';
import type { Priority } from './types.js';

export const SLA_TARGETS = ['response', 'resolution'] as const;
export type SlaTarget = (typeof SLA_TARGETS)[number];
export type ReminderStage = 'warn' | 'breach';

/** The ticket's `sla` subdocument as the clock reads and writes it (hydrated or lean). */
export interface SlaState {
  policyPriority?: string | null;
  /** The policy (SlaPolicy.id) and schedule the time since `accountedAt` runs under. */
  policyId?: string | null;
  schedule?: string | null;
  /** The team's schedule from routing (or the default one): what `business` targets and reports use. */
  team?: string | null;
  /** Routing user groups the assignee was in when assigned. */
  assigneeGroups?: string[] | null;
  firstResponseDueAt?: Date | null;
  resolutionDueAt?: Date | null;
  pausedAt?: Date | null;
  stoppedAt?: Date | null;
  responseSpentMs?: number | null;
  resolutionSpentMs?: number | null;
  accountedAt?: Date | null;
  nextCheckAt?: Date | null;
  responseWarnDueAt?: Date | null;
  resolutionWarnDueAt?: Date | null;
  responseWarnedAt?: Date | null;
  resolutionWarnedAt?: Date | null;
  responseBreachedAt?: Date | null;
  resolutionBreachedAt?: Date | null;
  responseMet?: boolean | null;
  resolutionMet?: boolean | null;
}

/** Which fields of SlaState belong to which target. */
export const TARGET_FIELDS = {
  response: {
    due: 'firstResponseDueAt',
    warnDue: 'responseWarnDueAt',
    warned: 'responseWarnedAt',
    breached: 'responseBreachedAt',
    spent: 'responseSpentMs',
    minutes: 'firstResponseMinutes',
  },
  resolution: {
    due: 'resolutionDueAt',
    warnDue: 'resolutionWarnDueAt',
    warned: 'resolutionWarnedAt',
    breached: 'resolutionBreachedAt',
    spent: 'resolutionSpentMs',
    minutes: 'resolutionMinutes',
  },
} as const;

/** What the clock reads of a ticket: a hydrated document, or a plain object in tests and tools. */
export type ClockTicket = Pick<
  TicketDoc,
  'priority' | 'suggestedPriority' | 'status' | 'firstResponseAt' | 'createdAt'
> &
  Partial<Pick<TicketDoc, 'category' | 'suggestedCategory' | 'source' | 'metadata'>> & {
    sla?: unknown;
    card?: { breached?: boolean | null } | null;
    email?: { to?: string | null } | null;
  };

export function targetMs(policy: Pick<SlaPolicy, 'targets'>, priority: Priority, target: SlaTarget): number {
  return policy.targets[priority][TARGET_FIELDS[target].minutes] * 60_000;
}

/** The team schedule routing gives the ticket under `policy` (a rule's schedule, else the default). */
export function teamOf(ticket: ClockTicket, policy: SlaPolicy): string {
  // Field by field: a mongoose document does not spread into its fields.
  const { category, suggestedCategory, source, metadata, email } = ticket;
  const assigneeGroups = (ticket.sla as SlaState | undefined)?.assigneeGroups;
  const routed = routeTicket(policy.routing, { category, suggestedCategory, source, metadata, email, assigneeGroups });
  return routed && policy.clocks.has(routed) ? routed : policy.defaultSchedule;
}

/**
 * The stretches of [from, to) and the clock each ran on. A ticket counts under the policy and schedule it
 * recorded until the policy changed (SlaPolicy.history), then under each later policy, routed afresh.
 */
type Stretch = [BusinessClock, Date, Date];

function stretches(ticket: ClockTicket, policy: SlaPolicy, priority: Priority, from: Date, to: Date): Stretch[] {
  const sla = ticket.sla as SlaState;
  const routed = (p: SlaPolicy) => clockNamed(p, scheduleFor(p, priority, teamOf(ticket, p)));
  const recorded = (p: SlaPolicy) => (sla.schedule ? clockNamed(p, sla.schedule) : routed(p));
  const versions = policy.history ?? [];
  const k = versions.findIndex((v) => v.policy.id === sla.policyId);
  // A policy this process never knew (a newer process wrote it): the current one from here on.
  if (k < 0) return [[sla.policyId && sla.policyId !== policy.id ? routed(policy) : recorded(policy), from, to]];
  const out: Stretch[] = [];
  for (let i = k; i < versions.length; i++) {
    const start = i === k ? from : new Date(Math.max(from.getTime(), versions[i]!.since.getTime()));
    const next = versions[i + 1]?.since;
    const end = next && next < to ? next : to;
    if (end > start) out.push([i === k ? recorded(versions[i]!.policy) : routed(versions[i]!.policy), start, end]);
    if (end >= to) break;
  }
  return out;
}

/**
 * Brings the ticket's SLA state up to date after any change; called by createTicket and changeTicket
 * inside their write, so it sees every change and needs no trigger of its own.
 *
 * Everything derives from the ticket: the clock runs from creation; it is paused while the ticket waits on
 * the customer and stopped while resolved or closed; the first-response target is met by `firstResponseAt`.
 * Time is accounted lazily: the clock time between `accountedAt` and now is added to the spent counters
 * under the state that held in between (stored in `pausedAt`/`stoppedAt`/`policyPriority`/`schedule`/
 * `policyId`), then the due times are recomputed from what is left of each target on the schedule that now
 * applies. So a priority change, a new team (routing) or a new policy keeps the time already spent and only
 * changes what remains, and a pause simply stops adding time. A ticket without any priority (set or
 * suggested) has no clock yet; once one is known, its time counts from creation.
 */
export function updateSlaState(ticket: ClockTicket, policy: SlaPolicy, now: Date): void {
  if (!ticket.sla) ticket.sla = {};
  const sla = ticket.sla as SlaState;
  const priority = (ticket.priority ?? ticket.suggestedPriority ?? null) as Priority | null;
  const accounting = (sla.policyPriority ?? priority) as Priority | null;
  if (!accounting) {
    sla.nextCheckAt = undefined;
    return;
  }

  const from = sla.accountedAt ?? ticket.createdAt;
  if (now > from) {
    if (!sla.pausedAt && !sla.stoppedAt) {
      const responseEnd = ticket.firstResponseAt && ticket.firstResponseAt < now ? ticket.firstResponseAt : now;
      for (const [clock, a, b] of stretches(ticket, policy, accounting, from, now)) {
        sla.resolutionSpentMs = (sla.resolutionSpentMs ?? 0) + clock.between(a, b);
        sla.responseSpentMs = (sla.responseSpentMs ?? 0) + clock.between(a, responseEnd < b ? responseEnd : b);
      }
    }
    sla.accountedAt = now;
  }

  const stopped = ticket.status === 'resolved' || ticket.status === 'closed';
  const paused = !stopped && ticket.status === 'waiting_on_customer';
  const justResolved = ticket.status === 'resolved' && !sla.stoppedAt;
  sla.stoppedAt = stopped ? (sla.stoppedAt ?? now) : undefined;
  sla.pausedAt = paused ? (sla.pausedAt ?? now) : undefined;
  if (!priority) {
    for (const target of SLA_TARGETS) sla[TARGET_FIELDS[target].warnDue] = undefined;
    sla.nextCheckAt = undefined;
    return;
  }

  const team = teamOf(ticket, policy);
  const schedule = scheduleFor(policy, priority, team);
  // A new target (priority or policy) may undo a reminder, and makes a past due time a new question.
  const priorityChanged = !!sla.policyPriority && sla.policyPriority !== priority;
  const policyChanged = !!sla.policyId && sla.policyId !== policy.id;
  const targetChanged = priorityChanged || policyChanged;
  // The policy the ticket last ran under, and when the current one took effect (src/domain/sla-policy-history.ts).
  const earlier = policyChanged ? policy.history?.find((v) => v.policy.id === sla.policyId)?.policy : undefined;
  const since = policy.history?.at(-1)?.since;
  sla.policyPriority = priority;
  sla.policyId = policy.id;
  sla.team = team;
  sla.schedule = schedule;
  const clock = clockNamed(policy, schedule);
  const running: Record<SlaTarget, boolean> = {
    response: !stopped && !paused && !ticket.firstResponseAt,
    resolution: !stopped && !paused,
  };
  const pending: number[] = [];

  for (const target of SLA_TARGETS) {
    const f = TARGET_FIELDS[target];
    const spent = sla[f.spent] ?? 0;
    const limit = targetMs(policy, priority, target);
    const warnLimit = limit * policy.warnAt;
    if (targetChanged) {
      if (sla[f.warned] && spent < warnLimit) sla[f.warned] = undefined;
      if (sla[f.breached] && spent < limit) sla[f.breached] = undefined;
    }
    // Compliance is fixed when a target concludes, by the clock time spent against the target then in force.
    if (target === 'response' && ticket.firstResponseAt && sla.responseMet == null) sla.responseMet = spent <= limit;
    if (target === 'resolution' && justResolved) sla.resolutionMet = spent <= limit;
    if (!running[target]) {
      sla[f.warnDue] = undefined;
      // Met or stopped: the due time stays as it was. Paused: there is no due time until the clock runs again.
      if (paused && !(target === 'response' && ticket.firstResponseAt)) sla[f.due] = undefined;
      continue;
    }
    /**
     * Whether a due time already past still stands: it was worked out on the clocks that ran since (every
     * change of schedule recomputes it), unless the target changed since: another priority, or a policy that
     * took effect before it fell due or sets another limit.
     */
    const earlierLimit = earlier ? targetMs(earlier, priority, target) : undefined;
    const stands = (previous: Date, sameThreshold: boolean) => {
      if (previous > now || priorityChanged) return false;
      return !policyChanged || (sameThreshold && !!since && previous <= since);
    };
    const instantAt = (threshold: number, previous: Date | null | undefined, sameThreshold: boolean): Date => {
      const left = threshold - spent;
      if (left > 0) return clock.add(now, left);
      // Already past: when it was reached; else the earliest instant with that much time run on this clock.
      if (previous && stands(previous, sameThreshold)) return previous;
      return clock.idleSince(clock.subtract(now, -left));
    };
    sla[f.due] = instantAt(limit, sla[f.due], earlierLimit === limit);
    sla[f.warnDue] = instantAt(warnLimit, sla[f.warnDue], !!earlier && earlierLimit! * earlier.warnAt === warnLimit);
    if (!sla[f.breached]) pending.push(sla[f.due]!.getTime());
    if (!sla[f.breached] && !sla[f.warned]) pending.push(sla[f.warnDue]!.getTime());
  }

  sla.nextCheckAt = pending.length ? new Date(Math.min(...pending)) : undefined;
  const breached = !!(sla.responseBreachedAt || sla.resolutionBreachedAt);
  if (ticket.card && !!ticket.card.breached !== breached) ticket.card.breached = breached;
}

export interface Reminder {
  target: SlaTarget;
  stage: ReminderStage;
  /** The target's due time the reminder is about (part of its idempotency key). */
  dueAt: Date;
}

/** Reminders due at `now` and not yet sent. A target already past due gets its breach ping, not a late warning. */
export function dueReminders(sla: SlaState | null | undefined, now: Date): Reminder[] {
  const out: Reminder[] = [];
  if (!sla) return out;
  for (const target of SLA_TARGETS) {
    const f = TARGET_FIELDS[target];
    const due = sla[f.due];
    const warnDue = sla[f.warnDue];
    // warnDue is only set while the clock of that target runs.
    if (!due || !warnDue || sla[f.breached]) continue;
    if (due <= now) out.push({ target, stage: 'breach', dueAt: due });
    else if (!sla[f.warned] && warnDue <= now) out.push({ target, stage: 'warn', dueAt: due });
  }
  return out;
}

/** Records on the ticket that a reminder was sent (a breach also counts as the warning). */
export function markReminded(sla: SlaState, reminder: Reminder, now: Date): void {
  const f = TARGET_FIELDS[reminder.target];
  if (!sla[f.warned]) sla[f.warned] = now;
  if (reminder.stage === 'breach') sla[f.breached] = now;
}

export function sameReminder(a: Reminder, b: Reminder): boolean {
  return a.target === b.target && a.stage === b.stage && a.dueAt.getTime() === b.dueAt.getTime();
}

/** Where a running target stands: past due, at or beyond the warning threshold, or fine. Undefined when its clock does not run. */
export function targetStanding(
  sla: SlaState | null | undefined,
  target: SlaTarget,
  now: Date,
): { dueAt: Date; state: 'past' | 'near' | 'ok' } | undefined {
  const f = TARGET_FIELDS[target];
  const due = sla?.[f.due];
  const warnDue = sla?.[f.warnDue];
  if (!due || !warnDue) return undefined;
  return { dueAt: due, state: due <= now ? 'past' : warnDue <= now ? 'near' : 'ok' };
}
