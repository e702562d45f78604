import type { KnownBlock } from '@slack/types';
import type { IncidentPeriodStats } from '../src/domain/incidents/overview.js';
import { mrkdwn } from './text.js';
import { delta, formatDuration } from './weekly-digest.js';

/** The incidents line of the daily summary and weekly review: number, total and median duration, reports overdue. */
export function incidentStatsSection(s: IncidentPeriodStats, previous?: IncidentPeriodStats): KnownBlock {
  const vs = (now: number, before: number | undefined) => (before === undefined ? '' : ` (${delta(now, before)})`);
  const durations = s.resolved ? `total ${formatDuration(s.totalDurationMs)}, median ${formatDuration(s.medianDurationMs)}` : 'no durations yet';
  const parts = [
    `*${s.declared}* declared${vs(s.declared, previous?.declared)}`,
    `*${s.resolved}* resolved${vs(s.resolved, previous?.resolved)} (${durations}${previous?.resolved ? `; last time median ${formatDuration(previous.medianDurationMs)}` : ''})`,
    `*${s.active}* active`,
    `${s.reportsOverdue ? ':warning: ' : ''}*${s.reportsOverdue}* report${s.reportsOverdue === 1 ? '' : 's'} overdue`,
  ];
  return { type: 'section', text: mrkdwn(`*P0 incidents*\n${parts.join(' · ')}`) };
}
