import type { KnownBlock } from '@slack/types';
import type { Compliance, Durations, WeekStats, WeeklyReview } from '../src/domain/weekly-review.js';
import { CATEGORY_LABELS, PRIORITY_LABELS, type Priority } from '../src/domain/types.js';
import { LIMITS, mrkdwn, plain, safe, truncate } from './text.js';
import { incidentStatsSection } from './incident-stats.js';
import { delta, formatDuration, percent } from './figures.js';

function rangeLabel(s: WeekStats, timeZone: string): string {
  const f = (d: Date) => d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone });
  return `${f(s.window.start)} – ${f(new Date(s.window.end.getTime() - 1))}`;
}

function durationLine(label: string, now: Durations, before: Durations): string {
  if (!now.count) return `*${label}*: none this week (last week: median ${formatDuration(before.medianMs)})`;
  return `*${label}* (${now.count}): median *${formatDuration(now.medianMs)}*, average ${formatDuration(now.averageMs)} · last week: median ${formatDuration(before.medianMs)}, average ${formatDuration(before.averageMs)}`;
}

/** "4/5 (80 %)", or "–" when no target concluded. */
export function complianceText(c: Compliance): string {
  return c.total ? `${c.met}/${c.total} (${percent(c.met / c.total)})` : '–';
}

type PriorityCompliance = { priority: Priority; response: Compliance; resolution: Compliance };

/**
 * Target compliance, a line per priority that concluded a target, each with the figures of the period
 * before (the weekly digest and /support-report word "before" and "empty" their own way).
 */
export function complianceByPriority(
  now: readonly PriorityCompliance[],
  before: readonly PriorityCompliance[],
  words: { before: string; empty: string },
): string {
  const rows = now.filter((c) => c.response.total || c.resolution.total);
  if (!rows.length) return words.empty;
  return rows
    .map((c) => {
      const prev = before.find((p) => p.priority === c.priority)!;
      return `${PRIORITY_LABELS[c.priority]}: first response ${complianceText(c.response)} · resolution ${complianceText(c.resolution)} _(${words.before} ${complianceText(prev.response)} · ${complianceText(prev.resolution)})_`;
    })
    .join('\n');
}

/** The weekly review digest posted in #support. Pure; subjects are requester text and escaped. */
export function weeklyDigestMessage(review: WeeklyReview, timeZone: string): { text: string; blocks: KnownBlock[] } {
  const { current: s, previous: p } = review;
  // The flags come from the shared computation, so the digest and /support-report agree on a miss.
  const reopenFlag = s.targetsMissed.reopened ? ' :warning:' : '';
  const csatFlag = s.targetsMissed.satisfaction ? ' :warning:' : '';
  const categories = s.topCategories.length
    ? s.topCategories
        .map((c, i) => `${i + 1}. ${c.category ? CATEGORY_LABELS[c.category] : 'Category not set'}: *${c.count}*`)
        .join('\n')
    : '_No new tickets._';
  const subjects = s.recurringSubjects.length
    ? s.recurringSubjects.map((r) => `• ${safe(r.subject, 100)}: *${r.count}×*`).join('\n')
    : '_No subject came up twice._';
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(`Weekly review · ${rangeLabel(s, timeZone)}`, LIMITS.header) },
    {
      type: 'section',
      fields: [
        mrkdwn(`*Created*\n${s.created} (${delta(s.created, p.created)})`),
        mrkdwn(`*Resolved*\n${s.resolved} (${delta(s.resolved, p.resolved)})`),
        mrkdwn(`*Open at the end*\n${s.openAtEnd} (${delta(s.openAtEnd, p.openAtEnd)})`),
        mrkdwn(
          `*Reopened*\n${s.reopened.count} of ${s.resolved} resolved: ${percent(s.reopened.rate)}${reopenFlag} (target < 5 %, last week ${percent(p.reopened.rate)})`,
        ),
        mrkdwn(
          `*Satisfaction*\n${percent(s.satisfaction.rate)} positive of ${s.satisfaction.responses} ratings${csatFlag} (target > 90 %, last week ${percent(p.satisfaction.rate)})`,
        ),
      ],
    },
    {
      type: 'section',
      text: mrkdwn(
        `${durationLine('First response', s.firstResponse, p.firstResponse)}\n${durationLine('Resolution', s.resolution, p.resolution)}`,
      ),
    },
    {
      type: 'section',
      text: mrkdwn(
        `*Target compliance by priority*\n${complianceByPriority(s.compliance, p.compliance, { before: 'last week', empty: '_No target concluded this week._' })}`,
        LIMITS.section,
      ),
    },
    {
      type: 'section',
      fields: [mrkdwn(`*Top categories*\n${categories}`), mrkdwn(`*Recurring subjects*\n${subjects}`, 2000)],
    },
    incidentStatsSection(s.incidents, p.incidents),
  ];
  const text = truncate(
    `Weekly review ${rangeLabel(s, timeZone)}: ${s.created} created, ${s.resolved} resolved, ${s.openAtEnd} open; first response median ${formatDuration(s.firstResponse.medianMs)}; reopened ${percent(s.reopened.rate)}; satisfaction ${percent(s.satisfaction.rate)}`,
    LIMITS.fallback,
  );
  return { text, blocks };
}
