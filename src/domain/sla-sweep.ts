import type { Types } from 'mongoose';
import { claimOnce } from '../db/claims.js';
import { withLease } from '../db/lease.js';
import { ticketLeaseKey } from '../db/ticket-writes.js';
import type { DomainDeps } from './deps.js';
import { escalationUsergroup } from './escalation.js';
import { describeTargets } from './sla-policy.js';
import { dueReminders, markReminded, sameReminder, updateSlaState, type Reminder, type ReminderStage, type SlaState, type SlaTarget } from './sla-state.js';
import { changeTicket } from './ticket-changes.js';
import type { Actor } from './tickets.js';
import { ESCALATION_LABELS, nextEscalationLevel, type EscalationLevel, type Priority } from './types.js';

/** What a reminder says, captured when it is sent; views/sla-notes.ts turns it into text. */
export interface ReminderFacts {
  target: SlaTarget;
  stage: ReminderStage;
  dueAt: Date;
  priority: Priority;
  /** The target as it reads on the card: "2 h", "48 h (business hours)". */
  targetText: string;
  warnPercent: number;
  assignee?: string;
  leadsUsergroup?: string;
  escalatedTo?: EscalationLevel;
  escalationUsergroup?: string;
}

/** Texts of the timeline events (app-written mrkdwn), injected so the domain stays free of Slack formatting. */
export interface SlaNoteTexts {
  warning(facts: ReminderFacts): string;
  breach(facts: ReminderFacts): string;
}

export interface SweepOptions {
  texts: SlaNoteTexts;
  batchSize?: number;
  /** Tickets handled at once within a batch. */
  concurrency?: number;
  /** Called after each batch: the job extends its lock (job.touch) on long runs. */
  onProgress?: () => Promise<void>;
}

export interface SweepResult {
  checked: number;
  reminders: number;
  /** Still due after the run: claimed by another process right now, or failed (logged; the next sweep retries). */
  leftDue: number;
}

export const SLA_ACTOR: Actor = { type: 'system', name: 'Deskbell SLA clock' };
/** A reminder claimed by a process that died before sending it is taken over after this long. */
const CLAIM_STALE_MS = 2 * 60_000;
const MAX_LEFT_DUE = 5_000;

/** `sla:<ticketId>:<target>:<stage>:<dueAt>`: the same reminder about the same due time is sent once. */
export function reminderKey(ticketId: string, r: Reminder): string {
  return `sla:${ticketId}:${r.target}:${r.stage}:${r.dueAt.toISOString()}`;
}

/**
 * One pass of the SLA clock: every ticket whose `sla.nextCheckAt` has come (an indexed range query, in
 * batches) gets the reminders now due, each exactly once. Tickets that need nothing cost nothing: they are
 * not read. A ticket another process is handling right now is left to it and skipped for this run.
 */
export async function runSlaSweep(deps: DomainDeps, opts: SweepOptions): Promise<SweepResult> {
  const now = deps.clock.now();
  const batchSize = opts.batchSize ?? 200;
  const concurrency = opts.concurrency ?? 4;
  const leftDue: Types.ObjectId[] = [];
  const result: SweepResult = { checked: 0, reminders: 0, leftDue: 0 };
  for (;;) {
    const filter = { 'sla.nextCheckAt': { $lte: now }, ...(leftDue.length ? { _id: { $nin: leftDue } } : {}) };
    const batch = await deps.models.Ticket.find(filter, { key: 1, sla: 1 }).sort({ 'sla.nextCheckAt': 1 }).limit(batchSize).lean();
    if (!batch.length) break;
    await forEachLimited(batch, concurrency, async (t) => {
      result.checked++;
      try {
        const { sent, settled } = await checkTicket(deps, String(t._id), t.sla as SlaState, now, opts.texts);
        result.reminders += sent;
        if (!settled) leftDue.push(t._id);
      } catch (err) {
        deps.logger.warn({ err, ticket: t.key }, 'SLA check failed; the next sweep retries');
        leftDue.push(t._id);
      }
    });
    await opts.onProgress?.();
    // A short batch was the last: what it handled moved into the future, and nothing else was due at `now`.
    if (batch.length < batchSize || leftDue.length >= MAX_LEFT_DUE) break;
  }
  result.leftDue = leftDue.length;
  return result;
}

async function checkTicket(deps: DomainDeps, ticketId: string, sla: SlaState, now: Date, texts: SlaNoteTexts): Promise<{ sent: number; settled: boolean }> {
  const due = dueReminders(sla, now);
  if (!due.length) {
    // Nothing due although the check time came (the policy changed since it was computed): recompute it.
    const next = await refreshSlaState(deps, ticketId);
    return { sent: 0, settled: !next || next > now };
  }
  let sent = 0;
  let settled = true;
  for (const reminder of due) {
    const outcome = await sendReminder(deps, ticketId, reminder, now, texts);
    if (outcome === 'sent') sent++;
    if (outcome === 'busy') settled = false;
  }
  return { sent, settled };
}

/**
 * Claims the reminder (an IdempotencyKey insert), then records it through changeTicket under the same key
 * as dedupeKey: the timeline event, the "sent" marker, the breach flag and the escalation land in one write
 * of the ticket, and the card update and thread note follow as durable jobs. The claim keeps a second
 * process (or a second run of the job) from even trying; the dedupeKey and the marker keep a takeover
 * after a crash from sending twice.
 */
async function sendReminder(deps: DomainDeps, ticketId: string, reminder: Reminder, now: Date, texts: SlaNoteTexts): Promise<'sent' | 'done' | 'busy'> {
  const key = reminderKey(ticketId, reminder);
  const claim = await claimOnce(deps.models.IdempotencyKey, key, { at: now, staleMs: CLAIM_STALE_MS, ticketId, data: { target: reminder.target, stage: reminder.stage } });
  if (!claim.claimed) return claim.done ? 'done' : 'busy';
  try {
    let dmTo: string | undefined;
    const outcome = await changeTicket(deps, ticketId, { actor: SLA_ACTOR, dedupeKey: key }, (ticket, record) => {
      const sla = ticket.sla as SlaState;
      if (!dueReminders(sla, now).some((r) => sameReminder(r, reminder))) return;
      const priority = (ticket.priority ?? ticket.suggestedPriority) as Priority;
      const d = describeTargets(deps.policy, priority);
      const facts: ReminderFacts = {
        ...reminder,
        priority,
        targetText: reminder.target === 'response' ? d.firstResponse : d.resolution,
        warnPercent: Math.round(deps.policy.warnAt * 100),
        ...(ticket.assignee ? { assignee: ticket.assignee } : {}),
      };
      markReminded(sla, reminder, now);
      if (reminder.stage === 'warn') {
        dmTo = ticket.assignee ?? undefined;
        record({ kind: 'sla_warning', text: texts.warning(facts), data: { sla: facts }, notify: !dmTo });
        return;
      }
      facts.leadsUsergroup = deps.config.SUPPORT_LEADS_USERGROUP;
      const from = (ticket.escalationLevel ?? 'L1') as EscalationLevel;
      const to = deps.config.SLA_ESCALATE_ON_BREACH ? nextEscalationLevel(from) : undefined;
      if (to) {
        ticket.escalationLevel = to;
        facts.escalatedTo = to;
        facts.escalationUsergroup = escalationUsergroup(deps.config, to);
      }
      record({ kind: 'sla_breached', text: texts.breach(facts), data: { sla: facts }, notify: true });
      if (to) record({ kind: 'escalated', text: `Escalated to ${ESCALATION_LABELS[to]}: the ${reminder.target === 'response' ? 'first-response' : 'resolution'} target was missed`, data: { from, to, reason: 'sla_breach' } });
    });
    if (outcome.changed && dmTo) await deps.effects.slaDirectMessage(ticketId, String(outcome.events[0]!._id));
    await claim.complete();
    return outcome.changed ? 'sent' : 'done';
  } catch (err) {
    await claim.release();
    throw err;
  }
}

/** Recomputes a ticket's SLA state in place, holding the ticket's lease like every writer. */
export async function refreshSlaState(deps: DomainDeps, ticketId: string): Promise<Date | undefined> {
  return withLease(
    deps.models.Lease,
    ticketLeaseKey(ticketId),
    async () => {
      const ticket = await deps.models.Ticket.findById(ticketId);
      if (!ticket) return undefined;
      updateSlaState(ticket, deps.policy, deps.clock.now());
      await ticket.save();
      return ticket.sla?.nextCheckAt ?? undefined;
    },
    { ttlMs: 15_000, waitMs: 10_000 },
  );
}

async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
