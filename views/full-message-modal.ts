import type { KnownBlock } from '@slack/types';
import type { FullMessage } from '../src/domain/ticket-messages.js';
import { escapeMrkdwn, LIMITS, plain, requesterText, slackDate } from './text.js';

/** Characters of the mail per section, before escaping (which may grow it) and within Slack's 3,000. */
const CHUNK = 2_400;
/** A modal holds 100 blocks; two are the heading and the closing note. */
const MAX_SECTIONS = 40;

/** The mail as received, escaped, in as many sections as it needs; what does not fit says how much is left. */
export function fullMessageModal(message: FullMessage) {
  const text = message.text.replace(/\r\n?/g, '\n');
  const sections: KnownBlock[] = [];
  for (let at = 0; at < text.length && sections.length < MAX_SECTIONS; at += CHUNK) {
    sections.push({
      type: 'section',
      text: { type: 'mrkdwn', text: escapeMrkdwn(text.slice(at, at + CHUNK)).slice(0, LIMITS.section) },
    });
  }
  const rest = text.length - CHUNK * sections.length;
  return {
    type: 'modal' as const,
    title: plain(`${message.ticketKey} · mail`, LIMITS.modalTitle),
    close: plain('Close', LIMITS.modalTitle),
    blocks: [
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: `From ${requesterText(message.from)} · ${slackDate(message.at)}` }],
      },
      ...(sections.length
        ? sections
        : [{ type: 'section', text: { type: 'mrkdwn', text: '_The mail has no text._' } }]),
      ...(rest > 0
        ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: `… ${rest} more characters not shown here.` }] }]
        : []),
    ] as KnownBlock[],
  };
}
