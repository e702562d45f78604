import type { KnownBlock } from '@slack/types';
import type { TicketFields } from '../src/db/models/ticket.js';
import { describeTargets, type SlaPolicy } from '../src/domain/sla-policy.js';
import {
  CATEGORY_LABELS,
  ESCALATION_LABELS,
  PRIORITIES,
  PRIORITY_LABELS,
  STATUS_LABELS,
  type Category,
  type EscalationLevel,
  type Priority,
  type Status,
  nextEscalationLevel,
} from '../src/domain/types.js';
import { attachmentLines } from './attachment-list.js';
import { feedbackBlock } from './feedback-select.js';
import { scheduleText } from './sla-schedule.js';
import { ActionIds, BlockIds, cardControlsBlockId } from './ids.js';
import { bugButtons, bugSection, type CardBug } from './bug.js';
import { LIMITS, mrkdwn, plain, safe, slackDate, truncate, userMention } from './text.js';

export type CardTicket = Pick<
  TicketFields,
  | 'key'
  | 'subject'
  | 'body'
  | 'source'
  | 'requester'
  | 'category'
  | 'suggestedCategory'
  | 'priority'
  | 'suggestedPriority'
  | 'status'
  | 'assignee'
  | 'escalationLevel'
  | 'attachments'
  | 'metadata'
  | 'sla'
  | 'card'
  | 'createdAt'
> & {
  feedback?: { tags?: string[] | null } | null;
  id: string;
  incident?: { key?: string | null; channelId?: string | null } | null;
  linkedIncident?: { key?: string | null; channelId?: string | null } | null;
  bug?: (CardBug & { id?: unknown }) | null;
};

export const PRIORITY_EMOJI: Record<Priority, string> = {
  P0: ':red_circle:',
  P1: ':large_orange_circle:',
  P2: ':large_yellow_circle:',
  P3: ':large_blue_circle:',
};
const STATUS_EMOJI: Record<Status, string> = {
  new: ':new:',
  triaged: ':mag:',
  in_progress: ':hammer_and_wrench:',
  waiting_on_customer: ':hourglass_flowing_sand:',
  resolved: ':white_check_mark:',
  closed: ':lock:',
};

const BODY_PREVIEW = 600;

export function priorityText(t: Pick<CardTicket, 'priority' | 'suggestedPriority'>): string {
  if (t.priority) return `${PRIORITY_EMOJI[t.priority as Priority]} *${PRIORITY_LABELS[t.priority as Priority]}*`;
  if (t.suggestedPriority)
    return `_suggested:_ ${PRIORITY_EMOJI[t.suggestedPriority as Priority]} ${PRIORITY_LABELS[t.suggestedPriority as Priority]} _(not set)_`;
  return '_not set_';
}

function categoryText(t: Pick<CardTicket, 'category' | 'suggestedCategory'>): string {
  if (t.category) return CATEGORY_LABELS[t.category as Category];
  if (t.suggestedCategory) return `_suggested:_ ${CATEGORY_LABELS[t.suggestedCategory as Category]}`;
  return '_not set_';
}

function targetsText(t: CardTicket, policy: SlaPolicy): string {
  const priority = (t.priority ?? t.suggestedPriority) as Priority | null;
  if (!priority) return '_set a priority to start the clock_';
  const d = describeTargets(policy, priority, t.sla?.team);
  const due = (at: Date | null | undefined) => (at ? ` (due ${slackDate(at)})` : '');
  const lines = [
    `first response ${d.firstResponse}${due(t.sla?.firstResponseDueAt)}`,
    `resolution ${d.resolution}${due(t.sla?.resolutionDueAt)}`,
  ];
  const schedule = scheduleText(t, policy);
  if (schedule) lines.push(schedule);
  if (!t.priority) lines.push('_targets of the suggested priority_');
  if (t.sla?.pausedAt) lines.push(':pause_button: clock paused while waiting on the customer');
  return lines.join('\n');
}

function priorityOption(p: Priority) {
  return { text: plain(`${PRIORITY_LABELS[p]}`, LIMITS.option), value: p };
}

/**
 * P0 is not in the select: a select's `confirm` dialog would pop up for every choice, so declaring P0 is a
 * button of its own whose Block Kit confirm dialog states what P0 means before anything is applied. The
 * select lists P0 only while the ticket is P0 (its current value must be one of the options), to step down.
 */
function declareP0Button(t: CardTicket, policy: SlaPolicy) {
  const d = describeTargets(policy, 'P0');
  return {
    type: 'button' as const,
    action_id: ActionIds.declareP0,
    text: plain(`${PRIORITY_EMOJI.P0} Declare P0`, LIMITS.button),
    value: JSON.stringify({ ticketId: t.id }),
    style: 'danger' as const,
    confirm: {
      title: plain(`Declare ${t.key} P0?`, 100),
      text: plain(
        `P0 is for a service down, a security breach or data loss. First response is due within ${d.firstResponse}, resolution within ${d.resolution}.`,
        300,
      ),
      confirm: plain('Declare P0', 30),
      deny: plain('Cancel', 30),
      style: 'danger' as const,
    },
  };
}

function controls(t: CardTicket, policy: SlaPolicy, trackers: readonly string[]): KnownBlock[] {
  const closed = t.status === 'resolved' || t.status === 'closed';
  const isP0 = t.priority === 'P0';
  const suggested = t.suggestedPriority && !t.priority ? ` (suggested ${t.suggestedPriority})` : '';
  const prioritySelect = {
    type: 'static_select' as const,
    action_id: ActionIds.setPriority,
    placeholder: plain(`Set priority${suggested}`, LIMITS.option),
    options: PRIORITIES.filter((p) => p !== 'P0' || isP0).map(priorityOption),
    ...(t.priority ? { initial_option: priorityOption(t.priority as Priority) } : {}),
  };
  const assignSelect = {
    type: 'users_select' as const,
    action_id: ActionIds.assign,
    placeholder: plain('Assign', LIMITS.option),
    ...(t.assignee ? { initial_user: t.assignee } : {}),
  };
  const value = JSON.stringify({ ticketId: t.id });
  const button = (action_id: string, text: string, style?: 'primary' | 'danger') => ({
    type: 'button' as const,
    action_id,
    text: plain(text, LIMITS.button),
    value,
    ...(style ? { style } : {}),
  });
  // A closed ticket is triaged no more (reopen it first); the block_id tells the listeners which ticket a select is about.
  const triage = [
    prioritySelect,
    ...(closed || isP0 ? [] : [declareP0Button(t, policy)]),
    assignSelect,
    button(ActionIds.assignToMe, 'Assign to me'),
  ];
  const first: KnownBlock[] =
    t.status === 'closed'
      ? []
      : [{ type: 'actions', block_id: cardControlsBlockId(t.id), elements: triage } as KnownBlock];
  const canEscalate = !!nextEscalationLevel((t.escalationLevel ?? 'L1') as EscalationLevel);
  const workflow = closed
    ? [
        button(ActionIds.reopen, 'Reopen'),
        ...(t.status === 'resolved' ? [button(ActionIds.close, 'Close')] : []),
        button(ActionIds.saveArticle, 'Save as article'),
      ]
    : [
        button(ActionIds.reply, 'Reply', 'primary'),
        ...(canEscalate ? [button(ActionIds.escalate, 'Escalate', 'danger')] : []),
        button(ActionIds.resolve, 'Resolve'),
        button(ActionIds.close, 'Close'),
      ];
  // Another report of a live outage: tie it to the incident so its requester hears from the incident's updates.
  if (!closed && !t.incident?.key && !t.linkedIncident?.key)
    workflow.push(button(ActionIds.ticketLinkIncident, 'Link to incident'));
  if (!closed) workflow.push(...bugButtons(t.id, trackers, !!t.bug?.id));
  return [...first, { type: 'actions', block_id: BlockIds.cardWorkflow, elements: workflow } as KnownBlock];
}

function metadataLines(metadata: unknown): string | undefined {
  if (!metadata || typeof metadata !== 'object') return undefined;
  const entries = Object.entries(metadata as Record<string, unknown>).slice(0, 10);
  if (!entries.length) return undefined;
  return entries
    .map(([k, v]) => `• *${safe(k, 60)}:* ${safe(typeof v === 'string' ? v : JSON.stringify(v), 200)}`)
    .join('\n');
}

/**
 * The ticket's card in #support: everything a triager needs and the controls to act. Pure. `feedbackTags`:
 * the team's tags (FEEDBACK_TAGS) for the Feedback row; `trackers`: the issue trackers configured
 * (BugSettings), which offer File bug and Link to bug.
 */
export function ticketCard(
  t: CardTicket,
  policy: SlaPolicy,
  feedbackTags: readonly string[] = [],
  trackers: readonly string[] = [],
): { text: string; blocks: KnownBlock[] } {
  const requester = t.requester?.name
    ? `${safe(t.requester.name, 100)} <mailto:${safe(t.requester.email, 200)}|${safe(t.requester.email, 200)}>`
    : safe(t.requester?.email, 200);
  const breached = t.card?.breached ? ' :rotating_light: *SLA breached*' : '';
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(`${t.key} · ${t.subject}`, LIMITS.header) },
    {
      type: 'section',
      fields: [
        mrkdwn(`*Requester*\n${requester}`, 2000),
        mrkdwn(`*Source*\n${t.source}`),
        mrkdwn(`*Priority*\n${priorityText(t)}${breached}`),
        mrkdwn(`*Category*\n${categoryText(t)}`),
        mrkdwn(`*Status*\n${STATUS_EMOJI[t.status as Status]} ${STATUS_LABELS[t.status as Status]}`),
        mrkdwn(`*Assignee*\n${userMention(t.assignee)}`),
        mrkdwn(`*Escalation*\n${ESCALATION_LABELS[(t.escalationLevel ?? 'L1') as EscalationLevel]}`),
        mrkdwn(`*Targets*\n${targetsText(t, policy)}`, 2000),
      ],
    },
  ];
  if (t.incident?.key) {
    const room = t.incident.channelId ? ` · war room <#${t.incident.channelId}>` : '';
    blocks.push({ type: 'section', text: mrkdwn(`:rotating_light: *P0 incident ${t.incident.key}*${room}`) });
  }
  if (t.linkedIncident?.key) {
    const room = t.linkedIncident.channelId ? ` · war room <#${t.linkedIncident.channelId}>` : '';
    blocks.push({
      type: 'section',
      text: mrkdwn(`:link: Linked to incident *${t.linkedIncident.key}*${room}: the requester gets its mailed updates`),
      accessory: {
        type: 'button',
        action_id: ActionIds.ticketUnlinkIncident,
        text: plain('Unlink', LIMITS.button),
        value: JSON.stringify({ ticketId: t.id }),
      },
    } as KnownBlock);
  }
  if (t.bug?.id) blocks.push(bugSection(t.id, t.bug, t.status !== 'resolved' && t.status !== 'closed'));
  const body = (t.body ?? '').trim();
  if (body) {
    const preview = body.length > BODY_PREVIEW ? `${body.slice(0, BODY_PREVIEW)}…` : body;
    blocks.push({
      type: 'section',
      text: mrkdwn(`>${safe(preview, LIMITS.section - 10).replace(/\n/g, '\n>')}`, LIMITS.section),
    });
  }
  // The card has always called a file whose `stored` flag is missing "not kept": say so explicitly.
  const attachments = (t.attachments ?? []).map((a) => ({
    filename: a.filename,
    contentType: a.contentType,
    size: a.size,
    stored: !!a.stored,
  }));
  if (attachments.length) blocks.push({ type: 'section', text: mrkdwn(attachmentLines(attachments).join('\n')) });
  const meta = metadataLines(t.metadata);
  if (meta) blocks.push({ type: 'context', elements: [mrkdwn(meta, 2000)] });
  blocks.push(...controls(t, policy, trackers));
  const feedback = feedbackBlock(t, feedbackTags);
  if (feedback) blocks.push(feedback);
  blocks.push({
    type: 'context',
    elements: [mrkdwn(`Opened ${slackDate(new Date(t.createdAt))} · ticket id \`${t.id}\``)],
  });

  const fallbackPriority = t.priority ?? (t.suggestedPriority ? `${t.suggestedPriority}?` : 'no priority');
  const text = truncate(
    `${t.key} [${fallbackPriority}] ${STATUS_LABELS[t.status as Status]}: ${safe(t.subject, 300)} (from ${safe(t.requester?.email, 200)})`,
    LIMITS.fallback,
  );
  return { text, blocks: blocks.slice(0, LIMITS.blocks) };
}
