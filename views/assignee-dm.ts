import { PRIORITY_LABELS, type Priority } from '../src/domain/types.js';
import { safe, userMention } from './text.js';

export interface AssigneeDm {
  key: string;
  subject: string;
  priority: string | null;
  /** Who assigned it; absent when the system did. */
  by?: string;
  /** The previous assignee, on a reassignment. */
  previous?: string | null;
  permalink: string;
}

/** The DM telling someone a ticket is now theirs, with a link to its card. The subject is requester text. */
export function assigneeDmText(d: AssigneeDm): string {
  const who = d.by ? `${userMention(d.by)} assigned you` : 'You were assigned';
  const from = d.previous ? ` (taking over from ${userMention(d.previous)})` : '';
  const priority = d.priority ? ` · ${PRIORITY_LABELS[d.priority as Priority]}` : ' · priority not set yet';
  return `:wave: ${who} *${d.key}* · ${safe(d.subject, 300)}${priority}${from}.\n<${d.permalink}|Open the card in the support channel>`;
}
