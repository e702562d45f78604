import type { Types } from 'mongoose';
import mongoose from 'mongoose';
import { OnceKeys } from '../db/once-keys.js';
import { withUpsertRetry } from '../db/upsert-retry.js';
import type { DomainDeps } from './deps.js';
import { describeTargets } from './sla-policy.js';
import {
  dueReminders,
  markReminded,
  sameReminder,
  updateSlaState,
  type Reminder,
  type ReminderStage,
  type SlaState,
  type SlaTarget,
} from './sla-state.js';
import { changeTicket } from './ticket-changes.js';
import { ESCALATION_LABELS, nextEscalationLevel, type EscalationLevel, type Priority, type Actor } from './types.js';

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
const MAX_LEFT_DUE = 5_000;

/** The same reminder about the same due time is recorded once (the key is its timeline event's dedupe key). */
export function reminderKey(ticketId: string, r: Reminder): string {
  return OnceKeys.slaReminder(ticketId, r.target, r.stage, r.dueAt);
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
    const batch = await deps.models.Ticket.find(filter, { key: 1, sla: 1 })
      .sort({ 'sla.nextCheckAt': 1 })
      .limit(batchSize)
      .lean();
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

async function checkTicket(
  deps: DomainDeps,
  ticketId: string,
  sla: SlaState,
  now: Date,
  texts: SlaNoteTexts,
): Promise<{ sent: number; settled: boolean }> {
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
 * Records the reminder through changeTicket with its key as dedupeKey: the timeline event, the "sent"
 * marker, the breach flag and the escalation land in one atomic, version-guarded write of the ticket, so
 * of two processes (or two runs of the job) exactly one records it; the other re-reads, finds the key and
 * changes nothing. The card update, thread note and DM follow as durable once-only deliveries.
 */
async function sendReminder(
  deps: DomainDeps,
  ticketId: string,
  reminder: Reminder,
  now: Date,
  texts: SlaNoteTexts,
): Promise<'sent' | 'done' | 'busy'> {
  const key = reminderKey(ticketId, reminder);
  let dmTo: string | undefined;
  const outcome = await changeTicket(deps, ticketId, { actor: SLA_ACTOR, dedupeKey: key }, (ticket, record) => {
    const sla = ticket.sla as SlaState;
    if (!dueReminders(sla, now).some((r) => sameReminder(r, reminder))) return;
    const priority = (ticket.priority ?? ticket.suggestedPriority) as Priority;
    const d = describeTargets(deps.policy, priority, sla.team);
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
    facts.leadsUsergroup = deps.settings.leadsUsergroup;
    const from = (ticket.escalationLevel ?? 'L1') as EscalationLevel;
    const to = deps.settings.escalateOnBreach ? nextEscalationLevel(from) : undefined;
    if (to) {
      ticket.escalationLevel = to;
      facts.escalatedTo = to;
      facts.escalationUsergroup = deps.settings.escalationUsergroups[to];
    }
    record({ kind: 'sla_breached', text: texts.breach(facts), data: { sla: facts }, notify: true });
    if (to)
      record({
        kind: 'escalated',
        text: `Escalated to ${ESCALATION_LABELS[to]}: the ${reminder.target === 'response' ? 'first-response' : 'resolution'} target was missed`,
        data: { from, to, reason: 'sla_breach' },
      });
  });
  if (outcome.changed && dmTo) await deps.effects.slaDirectMessage(ticketId, String(outcome.events[0]!._id));
  return outcome.changed ? 'sent' : 'done';
}

/** Recomputes a ticket's SLA state in place: a version-guarded save, re-read and redone on a conflict. */
export async function refreshSlaState(deps: DomainDeps, ticketId: string): Promise<Date | undefined> {
  for (let attempt = 1; ; attempt++) {
    const ticket = await deps.models.Ticket.findById(ticketId);
    if (!ticket) return undefined;
    updateSlaState(ticket, deps.policy, deps.clock.now());
    try {
      await ticket.save();
      return ticket.sla?.nextCheckAt ?? undefined;
    } catch (err) {
      if (!(err instanceof mongoose.Error.VersionError) || attempt >= 10) throw err;
    }
  }
}

async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export const SLA_SWEEP_CHECKPOINT = 'sla-sweep';

/** When an SLA sweep last finished, in any process sharing the database (/healthz reports it). */
export async function recordSweep(models: Pick<DomainDeps['models'], 'Checkpoint'>, at: Date): Promise<void> {
  await withUpsertRetry(() =>
    models.Checkpoint.updateOne({ _id: SLA_SWEEP_CHECKPOINT }, { $max: { at } }, { upsert: true }),
  );
}

export async function lastSweepAt(models: Pick<DomainDeps['models'], 'Checkpoint'>): Promise<Date | undefined> {
  return (await models.Checkpoint.findById(SLA_SWEEP_CHECKPOINT, { at: 1 }).lean())?.at ?? undefined;
}
