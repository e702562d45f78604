import { reportStages, type ClockKind } from './clock.js';

/** The parts of an incident a reminder's relevance depends on. */
export interface ReminderState {
  status: string;
  cadence?: { dueAt?: Date | null } | null;
  monitor?: { until?: Date | null } | null;
  resolvedAt?: Date | null;
  report?: { dueAt?: Date | null; submittedAt?: Date | null } | null;
}

/** Whether a reminder is still about the incident as it stands (an update posted since, a fix, a report written…). */
export function reminderStillDue(i: ReminderState, kind: ClockKind, at: Date): boolean {
  const same = (d: Date | null | undefined) => !!d && d.getTime() === at.getTime();
  switch (kind) {
    case 'update_reminder':
    case 'update_overdue':
      return i.status === 'active' && same(i.cadence?.dueAt);
    case 'monitor_end':
      return i.status === 'monitoring' && same(i.monitor?.until);
    case 'report_half':
    case 'report_late':
    case 'report_overdue':
      if (!i.resolvedAt || !i.report?.dueAt || i.report.submittedAt) return false;
      return reportStages(i.resolvedAt, i.report.dueAt).some((s) => s.kind === kind && same(s.at));
    default:
      return false;
  }
}
