import type { TimelineEvent } from '../src/db/models/ticket.js';
import { safe, userMention } from './text.js';

/**
 * The text of a timeline event posted in the card's thread. Event `text` written by the app may carry
 * mentions; anything a requester wrote is in `data.quote` and is escaped here.
 */
export function threadNoteText(event: Pick<TimelineEvent, 'kind' | 'text' | 'actor' | 'data'>): string {
  const data = (event.data ?? {}) as { quote?: string };
  const who = event.actor?.type === 'user' ? userMention(event.actor.id) : safe(event.actor?.name ?? event.actor?.id ?? 'Deskbell', 200);
  const head = event.text ?? event.kind;
  const line = head.includes('{actor}') ? head.replace('{actor}', who) : head;
  if (!data.quote) return line;
  const quote = safe(data.quote, 2800).replace(/\n/g, '\n>');
  return `${line}\n>${quote}`;
}
