import type { TimelineEvent } from '../src/db/models/ticket.js';
import type { EscalationSnapshot } from '../src/domain/escalation.js';
import { escalationPostText } from './escalation-post.js';
import { attachmentLines, type ListedAttachment } from './attachment-list.js';
import type { KnownBlock } from '@slack/types';
import { ActionIds } from './ids.js';
import { LIMITS, mrkdwn, plain, safe, userMention } from './text.js';

/** The emoji a thread note starts with: the domain records words only, Slack's look is chosen here. */
function noteIcon(kind: string, data: { reason?: string; automated?: boolean }): string | undefined {
  switch (kind) {
    case 'resolved':
      return ':white_check_mark:';
    case 'closed':
      return ':lock:';
    case 'reopened':
      return data.reason === 'requester_reply' ? ':leftwards_arrow_with_hook:' : ':arrows_counterclockwise:';
    case 'requester_reply':
      return data.automated ? ':robot_face:' : ':envelope_with_arrow:';
    case 'status_changed':
      return data.reason === 'requester_reply' ? ':arrow_forward:' : undefined;
    case 'csat':
      return ':star:';
    case 'agent_reply':
      return ':email:';
    case 'incident_linked':
    case 'incident_unlinked':
      return ':link:';
    case 'incident_update':
      return ':mega:';
    case 'p0_in_incident':
      return ':rotating_light:';
    case 'bug_filing':
    case 'bug_filed':
    case 'bug_linked':
      return ':beetle:';
    case 'bug_filing_retry':
      return ':hourglass_flowing_sand:';
    case 'bug_filing_failed':
    case 'bug_fix_not_mailed':
      return ':warning:';
    case 'bug_fixed':
      return ':white_check_mark:';
    case 'bug_reopened':
      return ':arrows_counterclockwise:';
    default:
      return undefined;
  }
}

/** `{actor}`, `{assignee}` and `{previous}` in an event's words, as Slack mentions. */
function fillPlaceholders(
  text: string,
  who: string,
  data: { assignee?: string | null; previous?: string | null },
): string {
  return text
    .replace('{actor}', who)
    .replace('{assignee}', data.assignee ? userMention(data.assignee) : 'someone')
    .replace('{previous}', data.previous ? userMention(data.previous) : 'someone');
}

/**
 * The text of a timeline event posted in the card's thread. Event `text` written by the app may carry
 * mentions; anything a requester wrote is in `data.quote` and is escaped here.
 */
export function threadNoteText(event: Pick<TimelineEvent, 'kind' | 'text' | 'actor' | 'data'>): string {
  const data = (event.data ?? {}) as {
    quote?: string;
    escalation?: EscalationSnapshot;
    reason?: string;
    automated?: boolean;
    assignee?: string | null;
    previous?: string | null;
  };
  const who =
    event.actor?.type === 'user'
      ? userMention(event.actor.id)
      : safe(event.actor?.name ?? event.actor?.id ?? 'Deskbell', 200);
  if (event.kind === 'escalated' && data.escalation) return escalationPostText(data.escalation, who);
  const icon = noteIcon(event.kind, data);
  const words = fillPlaceholders(event.text ?? event.kind, who, data);
  // Events stored before the icons moved here carry theirs in the text already.
  const line = icon && !words.startsWith(':') ? `${icon} ${words}` : words;
  // Files sent with a requester's mail (names escaped by attachmentLines).
  const files = attachmentLines((data as { attachments?: ListedAttachment[] }).attachments)
    .map((l) => `\n${l}`)
    .join('');
  if (!data.quote) return `${line}${files}`;
  const quote = safe(data.quote, 2800).replace(/\n/g, '\n>');
  return `${line}\n>${quote}${files}`;
}

/**
 * Blocks for a thread note, or undefined when its text alone says everything. A requester's mail shows the
 * reply as they wrote it; its quotes, signature and the rest are one click away ("Show the full message").
 */
export function threadNoteBlocks(
  event: Pick<TimelineEvent, 'kind' | 'text' | 'actor' | 'data' | 'dedupeKey'> & { _id?: unknown },
  ticketId: string,
): KnownBlock[] | undefined {
  if (event.kind !== 'requester_reply' || !event.dedupeKey || !event._id) return undefined;
  return [
    { type: 'section', text: mrkdwn(threadNoteText(event), LIMITS.section) },
    {
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: ActionIds.showFullMessage,
          text: plain('Show the full message', LIMITS.button),
          value: JSON.stringify({ ticketId, eventId: String(event._id) }),
        },
      ],
    },
  ];
}
