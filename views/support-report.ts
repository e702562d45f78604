import type { KnownBlock } from '@slack/types';
import type { AssigneeStats, Durations, PeriodReport, PeriodStats } from '../src/domain/report-figures.js';
import { incidentStatsLine } from './incident-stats.js';
import { bucketLabel, type ResolvedPeriod } from '../src/domain/report-period.js';
import { CATEGORY_LABELS, PRIORITY_LABELS, type Category, type Source } from '../src/domain/types.js';
import { LIMITS, mrkdwn, plain, safe, truncate, userMention } from './text.js';
import { complianceByPriority, complianceText } from './weekly-digest.js';
import { delta, formatDuration, percent } from './figures.js';

/** `/support-report`'s message: every figure against the period before, as text (the charts repeat it as pictures). */
export const CHANNEL_LABELS: Record<Source, string> = {
  email: 'Email',
  webhook: 'Webhook',
  slack: 'Slack',
  github: 'GitHub',
};
const MAX_ASSIGNEES = 15;

const categoryName = (c: Category | null) => (c ? CATEGORY_LABELS[c] : 'Category not set');

/** Percentage-point change: "▲ 2.5 pt". */
function pointDelta(now: number | undefined, before: number | undefined): string {
  if (now === undefined || before === undefined) return 'no comparison';
  const d = Math.round((now - before) * 1000) / 10;
  return d > 0 ? `▲ ${d} pt` : d < 0 ? `▼ ${-d} pt` : '= 0 pt';
}

function durationsText(d: Durations): string {
  return d.count
    ? `median *${formatDuration(d.medianMs)}*, p90 ${formatDuration(d.p90Ms)}, average ${formatDuration(d.averageMs)}`
    : 'none';
}

function durationBlock(
  label: string,
  wall: Durations,
  business: Durations,
  before: { wall: Durations; business: Durations },
): string {
  return (
    `*${label}* (${wall.count}, before ${before.wall.count})\n` +
    `• wall-clock: ${durationsText(wall)} _(before: median ${formatDuration(before.wall.medianMs)})_\n` +
    `• business hours: ${durationsText(business)} _(before: median ${formatDuration(before.business.medianMs)})_`
  );
}

function breakdown<K>(
  rows: Array<{ key: K; count: number }>,
  before: Array<{ key: K; count: number }>,
  name: (k: K) => string,
): string {
  if (!rows.some((r) => r.count)) return '_none_';
  return rows
    .map((r) => `${name(r.key)}: *${r.count}* (${delta(r.count, before.find((b) => b.key === r.key)?.count ?? 0)})`)
    .join('\n');
}

function assigneeLine(a: AssigneeStats, before: AssigneeStats | undefined): string {
  const sat = a.satisfaction.responses ? `${percent(a.satisfaction.rate)} of ${a.satisfaction.responses}` : '–';
  return `${a.assignee ? userMention(a.assignee) : '_Unassigned_'}: *${a.handled}* handled (${delta(a.handled, before?.handled ?? 0)}) · median first response ${formatDuration(a.firstResponse.medianMs)} · targets ${complianceText(a.compliance)} · satisfaction ${sat}`;
}

function assigneesText(s: PeriodStats, p: PeriodStats): string {
  const rows = s.byAssignee.filter((a) => a.handled || a.satisfaction.responses);
  if (!rows.length) return '_Nobody answered or resolved a ticket in the period._';
  const shown = rows.slice(0, MAX_ASSIGNEES).map((a) =>
    assigneeLine(
      a,
      p.byAssignee.find((b) => b.assignee === a.assignee),
    ),
  );
  if (rows.length > MAX_ASSIGNEES) shown.push(`_… and ${rows.length - MAX_ASSIGNEES} more (see the CSV export)_`);
  return shown.join('\n');
}

function trendText(s: PeriodStats, timeZone: string): string {
  return s.series
    .map(
      (w) =>
        `${bucketLabel(w.start, 'week', timeZone)}: ${w.created} created, ${w.resolved} resolved · median first response ${formatDuration(w.firstResponse.medianMs)} · satisfaction ${percent(w.satisfaction.rate)}`,
    )
    .join('\n');
}

/** Bugs filed and fixed, tickets per bug, median days to fix. */
export function bugsLine(s: PeriodStats['bugs'], p: PeriodStats['bugs']): string {
  const perBug = s.ticketsPerBug !== undefined ? `${s.ticketsPerBug.toFixed(1)} tickets per bug` : 'no tickets linked';
  const days = s.medianDaysToFix !== undefined ? `median ${s.medianDaysToFix.toFixed(1)} days to fix` : 'no fix yet';
  const counts = `${s.filed} filed (${delta(s.filed, p.filed)}) · ${s.fixed} fixed (${delta(s.fixed, p.fixed)})`;
  return `${counts} · ${perBug} · ${days}`;
}

export function supportReportMessage(
  report: PeriodReport,
  period: Pick<ResolvedPeriod, 'label' | 'trend'>,
  timeZone: string,
  note?: string,
): { text: string; blocks: KnownBlock[] } {
  const { current: s, previous: p } = report;
  const flag = (missed: boolean) => (missed ? ' :warning: target missed' : '');
  const backlog = s.openAtEnd - p.openAtEnd;
  const fmt = (d: Date) => d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone });
  const subjects = s.recurringSubjects.length
    ? s.recurringSubjects.map((r) => `• ${safe(r.subject, 100)}: *${r.count}×*`).join('\n')
    : '_No subject came up twice._';
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(`Support report · ${period.label}`, LIMITS.header) },
    {
      type: 'context',
      elements: [
        mrkdwn(
          `Each figure against the period of the same length before it (${fmt(p.window.start)} – ${fmt(new Date(p.window.end.getTime() - 1))}). Times in ${timeZone}.`,
        ),
      ],
    },
    {
      type: 'section',
      fields: [
        mrkdwn(`*Created*\n${s.created} (${delta(s.created, p.created)})`),
        mrkdwn(`*Resolved*\n${s.resolved} (${delta(s.resolved, p.resolved)})`),
        mrkdwn(`*Open at the end*\n${s.openAtEnd} (${delta(s.openAtEnd, p.openAtEnd)})`),
        mrkdwn(`*Backlog change*\n${backlog > 0 ? '+' : ''}${backlog} (from ${p.openAtEnd} to ${s.openAtEnd})`),
        mrkdwn(
          `*Reopened*\n${s.reopened.count} of ${s.resolved} resolved: ${percent(s.reopened.rate)}${flag(s.targetsMissed.reopened)} (target < 5 %; ${pointDelta(s.reopened.rate, p.reopened.rate)})`,
        ),
        mrkdwn(
          `*Satisfaction*\n${percent(s.satisfaction.rate)} positive of ${s.satisfaction.responses} ratings${flag(s.targetsMissed.satisfaction)} (target > 90 %; ${pointDelta(s.satisfaction.rate, p.satisfaction.rate)})`,
        ),
      ],
    },
    {
      type: 'section',
      text: mrkdwn(
        durationBlock('First response', s.firstResponse, s.firstResponseBusiness, {
          wall: p.firstResponse,
          business: p.firstResponseBusiness,
        }),
      ),
    },
    {
      type: 'section',
      text: mrkdwn(
        durationBlock('Resolution', s.resolution, s.resolutionBusiness, {
          wall: p.resolution,
          business: p.resolutionBusiness,
        }),
      ),
    },
    {
      type: 'section',
      text: mrkdwn(
        `*Target compliance by priority*\n${complianceByPriority(s.compliance, p.compliance, { before: 'before', empty: '_No target concluded in the period._' })}`,
      ),
    },
    {
      type: 'section',
      fields: [
        mrkdwn(
          `*By category* (created)\n${breakdown(
            s.byCategory.map((c) => ({ key: c.category, count: c.count })),
            p.byCategory.map((c) => ({ key: c.category, count: c.count })),
            categoryName,
          )}`,
          2000,
        ),
        mrkdwn(
          `*By priority* (created)\n${breakdown(
            s.byPriority.map((c) => ({ key: c.priority, count: c.count })),
            p.byPriority.map((c) => ({ key: c.priority, count: c.count })),
            (k) => (k ? PRIORITY_LABELS[k] : 'Not set'),
          )}`,
          2000,
        ),
        mrkdwn(
          `*By channel of arrival*\n${breakdown(
            s.byChannel.map((c) => ({ key: c.source, count: c.count })),
            p.byChannel.map((c) => ({ key: c.source, count: c.count })),
            (k) => CHANNEL_LABELS[k],
          )}`,
          2000,
        ),
        mrkdwn(`*P0 incidents*\n${incidentStatsLine(s.incidents, p.incidents)}`, 2000),
        mrkdwn(`*Bugs*\n${bugsLine(s.bugs, p.bugs)}`, 2000),
      ],
    },
    { type: 'section', text: mrkdwn(`*By assignee*\n${assigneesText(s, p)}`) },
    { type: 'section', text: mrkdwn(`*Recurring subjects*\n${subjects}`) },
  ];
  if (period.trend) blocks.push({ type: 'section', text: mrkdwn(`*Trend per week*\n${trendText(s, timeZone)}`) });
  if (note) blocks.push({ type: 'context', elements: [mrkdwn(note)] });
  const text = truncate(
    `Support report, ${period.label}: ${s.created} created (${delta(s.created, p.created)}), ${s.resolved} resolved (${delta(s.resolved, p.resolved)}), ${s.openAtEnd} open; first response median ${formatDuration(s.firstResponse.medianMs)}; reopened ${percent(s.reopened.rate)}; satisfaction ${percent(s.satisfaction.rate)}`,
    LIMITS.fallback,
  );
  return { text, blocks };
}
