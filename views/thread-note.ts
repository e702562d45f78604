import type { TimelineEvent } from '../src/db/models/ticket.js';
import type { EscalationSnapshot } from '../src/domain/escalation.js';
import { escalationPostText } from './escalation-post.js';
import { attachmentLines, type ListedAttachment } from './attachment-list.js';
import { safe, userMention } from './text.js';

/**
 * The text of a timeline event posted in the card's thread. Event `text` written by the app may carry
 * mentions; anything a requester wrote is in `data.quote` and is escaped here.
 */
export function threadNoteText(event: Pick<TimelineEvent, 'kind' | 'text' | 'actor' | 'data'>): string {
  const data = (event.data ?? {}) as { quote?: string; escalation?: EscalationSnapshot };
  const who = event.actor?.type === 'user' ? userMention(event.actor.id) : safe(event.actor?.name ?? event.actor?.id ?? 'Deskbell', 200);
  if (event.kind === 'escalated' && data.escalation) return escalationPostText(data.escalation, who);
  const head = event.text ?? event.kind;
  const line = head.includes('{actor}') ? head.replace('{actor}', who) : head;
  // Files sent with a requester's mail (names escaped by attachmentLines).
  const files = attachmentLines((data as { attachments?: ListedAttachment[] }).attachments).map((l) => `\n${l}`).join('');
  if (!data.quote) return `${line}${files}`;
  const quote = safe(data.quote, 2800).replace(/\n/g, '\n>');
  return `${line}\n>${quote}${files}`;
}
