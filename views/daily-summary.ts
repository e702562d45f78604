import type { KnownBlock } from '@slack/types';
import { AGE_BUCKETS, type CappedList, type DailySummary, type SummaryItem } from '../src/domain/daily-summary.js';
import { CATEGORY_LABELS, PRIORITY_LABELS, type Category } from '../src/domain/types.js';
import { PRIORITY_EMOJI } from './ticket-card.js';
import { messageUrl, priorityTag } from './ticket-list.js';
import { LIMITS, mrkdwn, plain, safe, slackDate, truncate, userMention } from './text.js';
import { targetName } from './sla-notes.js';
import type { IncidentPeriodStats } from '../src/domain/incidents/overview.js';
import { incidentStatsSection } from './incident-stats.js';

export interface SummaryLinks {
  /** The workspace's base URL (auth.test `url`): tickets link to their cards without an API call each. */
  workspaceUrl?: string;
  /** P0 incidents over the same period (src/domain/incidents/overview.ts). */
  incidents?: IncidentPeriodStats;
}

/** "SUP-12", linked to its card when the card is posted. */
export function ticketRef(t: Pick<SummaryItem, 'key' | 'card'>, links: SummaryLinks): string {
  return links.workspaceUrl && t.card?.channel && t.card.ts
    ? `<${messageUrl(links.workspaceUrl, t.card.channel, t.card.ts)}|${t.key}>`
    : t.key;
}

function itemLine(t: SummaryItem, links: SummaryLinks, opts: { assignee?: boolean; due?: boolean }): string {
  const parts = [`*${ticketRef(t, links)}* ${priorityTag(t)}`, safe(t.subject, 80)];
  if (opts.assignee) parts.push(t.assignee ? userMention(t.assignee) : '_unassigned_');
  if (opts.due && t.target && t.dueAt)
    parts.push(
      `${t.overdue ? ':rotating_light: ' : ':hourglass_flowing_sand: '}${targetName(t.target)} ${t.overdue ? 'was due' : 'due'} ${slackDate(t.dueAt)}`,
    );
  else parts.push(`opened ${slackDate(t.createdAt, '{date_short_pretty}')}`);
  return `• ${parts.join(' · ')}`;
}

/** A titled list capped at its page, with "and N more" for the rest. */
export function listSection(
  title: string,
  list: CappedList,
  links: SummaryLinks,
  opts: { assignee?: boolean; due?: boolean; empty: string },
): KnownBlock {
  const lines = list.items.map((t) => itemLine(t, links, opts));
  const more = list.total - list.items.length;
  if (more > 0) lines.push(`_and ${more} more_`);
  const body = lines.length ? lines.join('\n') : `_${opts.empty}_`;
  return { type: 'section', text: mrkdwn(`*${title}* (${list.total})\n${body}`, LIMITS.section) };
}

export function dayLabel(day: string): string {
  return new Date(`${day}T12:00:00Z`).toLocaleDateString('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });
}

function priorityTable(s: DailySummary): string {
  if (!s.openByPriority.length) return '_No open tickets._';
  return s.openByPriority
    .map((row) => {
      const label = row.priority
        ? `${PRIORITY_EMOJI[row.priority]} ${PRIORITY_LABELS[row.priority]}`
        : ':grey_question: Priority not set';
      const ages = AGE_BUCKETS.map((b, i) => `${b.label}: ${row.ages[i]}`).join(' · ');
      return `${label}: *${row.total}* (${ages})`;
    })
    .join('\n');
}

function categoryLine(c: { category: Category | null; count: number }): string {
  return `${c.category ? CATEGORY_LABELS[c.category] : 'Category not set'}: *${c.count}*`;
}

/** The daily triage summary posted in #support. Pure. */
export function dailySummaryMessage(s: DailySummary, links: SummaryLinks): { text: string; blocks: KnownBlock[] } {
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(`Daily triage · ${dayLabel(s.day)}`, LIMITS.header) },
    { type: 'context', elements: [mrkdwn(`*${s.openTotal}* open · new since ${slackDate(s.since)}`)] },
    listSection('New since the last summary', s.newTickets, links, { empty: 'No new tickets.' }),
    listSection('Unassigned', s.unassigned, links, { empty: 'Every open ticket has an owner.' }),
    { type: 'section', text: mrkdwn(`*Open by priority and age*\n${priorityTable(s)}`, LIMITS.section) },
    listSection('Overdue first responses', s.overdueResponses, links, {
      assignee: true,
      due: true,
      empty: 'None: every first response is on time.',
    }),
    listSection('Near or past target', s.nearOrPast, links, { assignee: true, due: true, empty: 'None.' }),
    {
      type: 'section',
      text: mrkdwn(
        `*Top categories*\n${s.topCategories.length ? s.topCategories.map(categoryLine).join(' · ') : '_No open tickets._'}`,
      ),
    },
    ...(links.incidents ? [incidentStatsSection(links.incidents)] : []),
  ];
  const text = truncate(
    `Daily triage ${s.day}: ${s.newTickets.total} new, ${s.unassigned.total} unassigned, ${s.openTotal} open, ${s.overdueResponses.total} overdue first responses, ${s.nearOrPast.total} near or past target`,
    LIMITS.fallback,
  );
  return { text, blocks };
}
