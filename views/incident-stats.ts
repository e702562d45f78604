import type { KnownBlock } from '@slack/types';
import type { IncidentPeriodStats } from '../src/domain/incidents/overview.js';
import { mrkdwn } from './text.js';
import { delta, formatDuration } from './figures.js';

/** Incidents in a period: number, total, median and longest duration, active, reports overdue; each against the period before. */
export function incidentStatsLine(s: IncidentPeriodStats, previous?: IncidentPeriodStats): string {
  const vs = (now: number, before: number | undefined) => (before === undefined ? '' : ` (${delta(now, before)})`);
  const durations = s.resolved
    ? `total ${formatDuration(s.totalDurationMs)}, median ${formatDuration(s.medianDurationMs)}, longest ${formatDuration(s.longestDurationMs)}`
    : 'no durations yet';
  return [
    `*${s.declared}* declared${vs(s.declared, previous?.declared)}`,
    `*${s.resolved}* resolved${vs(s.resolved, previous?.resolved)} (${durations}${previous?.resolved ? `; before: median ${formatDuration(previous.medianDurationMs)}` : ''})`,
    `*${s.active}* active`,
    `${s.reportsOverdue ? ':warning: ' : ''}*${s.reportsOverdue}* report${s.reportsOverdue === 1 ? '' : 's'} overdue`,
  ].join(' · ');
}

/** The incidents section of the daily summary and weekly review. */
export function incidentStatsSection(s: IncidentPeriodStats, previous?: IncidentPeriodStats): KnownBlock {
  return { type: 'section', text: mrkdwn(`*P0 incidents*\n${incidentStatsLine(s, previous)}`) };
}
