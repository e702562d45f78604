import { pendingTarget, type QueueTicket, type TicketNearTarget, type TicketPage } from '../src/domain/queues.js';
import {
  CATEGORY_LABELS,
  ESCALATION_LABELS,
  PRIORITY_LABELS,
  STATUS_LABELS,
  type Category,
  type EscalationLevel,
  type Priority,
  type Status,
} from '../src/domain/types.js';
import { targetLabel } from './sla-notes.js';
import { scheduleText } from './sla-schedule.js';
import type { SlaPolicy } from '../src/domain/sla-policy.js';
import { PRIORITY_EMOJI } from './ticket-card.js';
import { safe, slackDate, userMention, requesterText } from './text.js';

/** Where a card lives, and the workspace's base URL (auth.test `url`) to link to it without an API call per ticket. */
export interface LinkOptions {
  workspaceUrl?: string;
}

/**
 * A message link built from the workspace URL. chat.getPermalink would cost one API call per ticket, so
 * lists build the documented `archives/<channel>/p<ts without dot>` form instead.
 */
export function messageUrl(workspaceUrl: string, channel: string, ts: string): string {
  return `${workspaceUrl.replace(/\/*$/, '/')}archives/${channel}/p${ts.replace('.', '')}`;
}

export function cardUrl(t: Pick<QueueTicket, 'card'>, opts: LinkOptions): string | undefined {
  return opts.workspaceUrl && t.card?.channel && t.card.ts
    ? messageUrl(opts.workspaceUrl, t.card.channel, t.card.ts)
    : undefined;
}

/** The ticket key, linked to its card when the card is posted. */
export function keyLink(t: Pick<QueueTicket, 'key' | 'card'>, url: string | undefined): string {
  return url ? `*<${url}|${t.key}>*` : `*${t.key}*`;
}

/** Priority as a short tag; a suggestion (not yet set by an agent) carries a question mark. */
export function priorityTag(t: Pick<QueueTicket, 'priority' | 'suggestedPriority'>): string {
  if (t.priority) return `${PRIORITY_EMOJI[t.priority as Priority]} ${t.priority}`;
  if (t.suggestedPriority) return `${PRIORITY_EMOJI[t.suggestedPriority as Priority]} ${t.suggestedPriority}?`;
  return 'no priority';
}

/** When a target is due, flagged once it has passed. */
export function dueText(near: Pick<TicketNearTarget, 'target' | 'dueAt'>, now: Date): string {
  const overdue = near.dueAt.getTime() < now.getTime();
  return `${overdue ? ':rotating_light: ' : ''}${targetLabel(near.target)} ${overdue ? 'was due' : 'due'} ${slackDate(near.dueAt, '{date_short_pretty} {time}')}`;
}

/** One compact line (mrkdwn) about a ticket; requester text escaped. */
export function ticketLine(t: QueueTicket, opts: LinkOptions & { showAssignee?: boolean; extra?: string }): string {
  const parts = [
    `${keyLink(t, cardUrl(t, opts))} ${priorityTag(t)}`,
    safe(t.subject, 120),
    STATUS_LABELS[t.status as Status],
  ];
  if (opts.showAssignee) parts.push(t.assignee ? userMention(t.assignee) : '_unassigned_');
  parts.push(opts.extra ?? `opened ${slackDate(new Date(t.createdAt), '{ago}')}`);
  return parts.join(' · ');
}

/** A titled list for an ephemeral message: a line per ticket, "and N more" beyond the page. */
export function ticketListText(
  title: string,
  page: TicketPage,
  opts: LinkOptions & { empty: string; showAssignee?: boolean },
): string {
  if (!page.tickets.length) return `*${title}*\n${opts.empty}`;
  const lines = page.tickets.map((t) => `• ${ticketLine(t, opts)}`);
  const more = page.total - page.tickets.length;
  if (more > 0) lines.push(`_and ${more} more_`);
  return `*${title}* (${page.total})\n${lines.join('\n')}`;
}

export type SummaryTicket = QueueTicket &
  Partial<{ body: string; category: string | null; escalationLevel: string | null }>;

/** `/support SUP-123`: the ticket at a glance and a link to its card. */
export function ticketSummaryText(
  t: SummaryTicket,
  opts: { permalink?: string; now: Date; policy?: SlaPolicy },
): string {
  const requester = requesterText(t.requester);
  const priority = t.priority
    ? `${PRIORITY_EMOJI[t.priority as Priority]} ${PRIORITY_LABELS[t.priority as Priority]}`
    : priorityTag(t);
  const facts = [
    priority,
    STATUS_LABELS[t.status as Status],
    t.assignee ? `assigned to ${userMention(t.assignee)}` : '_unassigned_',
    ...(t.category ? [CATEGORY_LABELS[t.category as Category]] : []),
    ...(t.escalationLevel && t.escalationLevel !== 'L1'
      ? [`escalated to ${ESCALATION_LABELS[t.escalationLevel as EscalationLevel]}`]
      : []),
  ];
  const lines = [
    `${keyLink(t, opts.permalink)} · ${safe(t.subject, 250)}`,
    facts.join(' · '),
    `Requester: ${requester}`,
  ];
  const open = !['resolved', 'closed'].includes(t.status);
  const pending = open ? pendingTarget(t) : undefined;
  lines.push(`Opened ${slackDate(new Date(t.createdAt))}${pending ? ` · ${dueText(pending, opts.now)}` : ''}`);
  const schedule = opts.policy && scheduleText(t, opts.policy);
  if (schedule) lines.push(schedule);
  const body = (t.body ?? '').trim();
  if (body) lines.push(`>${safe(body, 400).replace(/\n/g, '\n>')}`);
  lines.push(
    opts.permalink
      ? `<${opts.permalink}|Open its card in the support channel>`
      : '_Its card has not been posted yet; it will appear in the support channel shortly._',
  );
  return lines.join('\n');
}
