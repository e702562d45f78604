import type { IncidentFields } from '../../db/models/incident.js';
import type { DomainDeps } from '../deps.js';
import type { IncidentSettings } from './settings.js';

/**
 * An incident's clock (PRODUCT.md, "P0 emergency": updates every 30 minutes, a report within 48 hours):
 * what falls due when. Pure, so a moved clock gives known reminders; the sweep below acts on it.
 */
export type ClockKind =
  | 'update_reminder'
  | 'update_overdue'
  | 'monitor_end'
  | 'report_half'
  | 'report_late'
  | 'report_overdue'
  | 'archive';

export interface ClockItem {
  kind: ClockKind;
  /** The deadline the reminder is about (an update's due time, the end of monitoring, the report's due time…). */
  at: Date;
  /** For an overdue update: how many cadence periods have passed since it was due (each pinged once). */
  round: number;
}

export type ClockIncident = Pick<IncidentFields, 'status' | 'resolvedAt'> & {
  cadence?: { dueAt?: Date | null; intervalMs?: number | null } | null;
  monitor?: { until?: Date | null } | null;
  report?: { dueAt?: Date | null; submittedAt?: Date | null } | null;
  archive?: { at?: Date | null; doneAt?: Date | null } | null;
};

const FIVE_MINUTES = 5 * 60_000;
const TWO_HOURS = 2 * 3_600_000;

/** The reminder comes 5 minutes before an update is due (half the interval when that is shorter than 10 minutes). */
export function reminderLeadMs(intervalMs: number): number {
  return Math.min(FIVE_MINUTES, intervalMs / 2);
}

/** Report reminders: at half time and 2 hours before the deadline (a quarter of the time for reports due within 8 hours), then overdue. */
export function reportStages(resolvedAt: Date, dueAt: Date): ClockItem[] {
  const span = dueAt.getTime() - resolvedAt.getTime();
  return [
    { kind: 'report_half', at: new Date(resolvedAt.getTime() + span / 2), round: 0 },
    { kind: 'report_late', at: new Date(dueAt.getTime() - Math.min(TWO_HOURS, span / 4)), round: 0 },
    { kind: 'report_overdue', at: dueAt, round: 0 },
  ];
}

/**
 * What is due at `now` and when to look again. An overdue update is pinged once per cadence period (rounds
 * counted from its due time, so a late sweep sends the latest round, not a burst); of the report's stages
 * only the latest one passed is sent.
 */
export function clockStep(
  i: ClockIncident,
  now: Date,
  s: Pick<IncidentSettings, 'updateMs'>,
): { due: ClockItem[]; nextAt?: Date } {
  const t = now.getTime();
  const due: ClockItem[] = [];
  const next: number[] = [];
  const dueAt = i.cadence?.dueAt;
  if (i.status === 'active' && dueAt) {
    const lead = reminderLeadMs(i.cadence?.intervalMs ?? s.updateMs);
    if (t >= dueAt.getTime()) {
      const round = Math.floor((t - dueAt.getTime()) / s.updateMs);
      due.push({ kind: 'update_overdue', at: dueAt, round });
      next.push(dueAt.getTime() + (round + 1) * s.updateMs);
    } else if (t >= dueAt.getTime() - lead) {
      due.push({ kind: 'update_reminder', at: dueAt, round: 0 });
      next.push(dueAt.getTime());
    } else {
      next.push(dueAt.getTime() - lead);
    }
  }
  const until = i.monitor?.until;
  if (i.status === 'monitoring' && until) {
    if (t >= until.getTime()) due.push({ kind: 'monitor_end', at: until, round: 0 });
    else next.push(until.getTime());
  }
  if (i.resolvedAt && i.report?.dueAt && !i.report.submittedAt) {
    const stages = reportStages(i.resolvedAt, i.report.dueAt);
    const passed = stages.filter((st) => t >= st.at.getTime()).at(-1);
    if (passed) due.push(passed);
    const upcoming = stages.find((st) => t < st.at.getTime());
    if (upcoming) next.push(upcoming.at.getTime());
  }
  if (i.archive?.at && !i.archive.doneAt) {
    if (t >= i.archive.at.getTime()) due.push({ kind: 'archive', at: i.archive.at, round: 0 });
    else next.push(i.archive.at.getTime());
  }
  return { due, ...(next.length ? { nextAt: new Date(Math.min(...next)) } : {}) };
}

/** Where `clockAt` goes after a change: now when something is already due, else the next deadline. */
export function nextClockAt(i: ClockIncident, now: Date, s: Pick<IncidentSettings, 'updateMs'>): Date | null {
  const step = clockStep(i, now, s);
  return step.due.length ? now : (step.nextAt ?? null);
}

/** Updates whose effects did not all go out are asked for again after this long (their job may have been lost in a crash). */
const UNFINISHED_GRACE_MS = 30_000;
const UNFINISHED_HORIZON_MS = 2 * 86_400_000;

/**
 * The clock sweep: for every incident whose `clockAt` has come (indexed), asks for each reminder that is due
 * (a once-only delivery each, so two processes or a rerun send it once) and moves `clockAt` on, guarded by
 * the value it read. Also re-asks for incidents whose first minute, and status updates whose effects, were
 * never finished.
 */
export async function sweepIncidentClocks(deps: DomainDeps): Promise<number> {
  const now = deps.clock.now();
  const due = await deps.models.Incident.find(
    { clockAt: { $lte: now } },
    { key: 1, status: 1, resolvedAt: 1, cadence: 1, monitor: 1, report: 1, archive: 1, clockAt: 1 },
  )
    .sort({ clockAt: 1 })
    .limit(500)
    .lean();
  for (const i of due) {
    try {
      const step = clockStep(i, now, deps.incidents);
      for (const item of step.due) await deps.effects.incidentReminder(String(i._id), item.kind, item.at, item.round);
      await deps.models.Incident.updateOne(
        { _id: i._id, clockAt: i.clockAt },
        { $set: { clockAt: step.nextAt ?? null }, $inc: { __v: 1 } },
      );
    } catch (err) {
      deps.logger.error({ err, incident: i.key }, 'incident clock failed; the next sweep retries');
    }
  }
  // Incidents whose first minute was never finished (or never asked for: a crash right after storing them).
  const owedBefore = new Date(now.getTime() - UNFINISHED_GRACE_MS);
  const unopened = await deps.models.Incident.find({ openOwedAt: { $lt: owedBefore } }, { _id: 1 })
    .limit(100)
    .lean();
  for (const i of unopened) await deps.effects.openIncident(String(i._id));
  const window = {
    $gt: new Date(now.getTime() - UNFINISHED_HORIZON_MS),
    $lt: new Date(now.getTime() - UNFINISHED_GRACE_MS),
  };
  const unfinished = await deps.models.Incident.find(
    { timeline: { $elemMatch: { kind: 'status_update', done: { $ne: true }, at: window } } },
    { timeline: 1 },
  ).limit(100);
  for (const i of unfinished) {
    for (const e of i.timeline) {
      if (e.kind === 'status_update' && !e.done && e.at > window.$gt && e.at < window.$lt)
        await deps.effects.incidentUpdate(i.id, String(e._id));
    }
  }
  return due.length;
}
