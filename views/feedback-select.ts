import type { KnownBlock } from '@slack/types';
import { suggestFeedbackTags } from '../src/domain/feedback-tags.js';
import { ActionIds, feedbackBlockId } from './ids.js';
import { LIMITS, plain } from './text.js';

export interface FeedbackTicket {
  id: string;
  subject: string;
  body?: string | null;
  category?: string | null;
  suggestedCategory?: string | null;
  feedback?: { tags?: string[] | null } | null;
}

const option = (tag: string) => ({ text: plain(tag, LIMITS.option), value: tag });

/**
 * The card's Feedback row: a multi-select of the team's tags (FEEDBACK_TAGS) with the ticket's own
 * selected and the keyword rules' suggestions in the placeholder. Its block_id names the ticket. Pure.
 */
export function feedbackBlock(t: FeedbackTicket, available: readonly string[]): KnownBlock | undefined {
  if (!available.length) return undefined;
  const chosen = (t.feedback?.tags ?? []).filter((tag) => available.includes(tag));
  const suggested = suggestFeedbackTags({ ...t, tags: chosen }, available);
  const placeholder = suggested.length ? `Feedback (suggested: ${suggested.join(', ')})` : 'Feedback for product';
  return {
    type: 'actions',
    block_id: feedbackBlockId(t.id),
    elements: [
      {
        type: 'multi_static_select',
        action_id: ActionIds.feedbackTags,
        placeholder: plain(placeholder, 150),
        options: available.slice(0, 100).map(option),
        ...(chosen.length ? { initial_options: chosen.map(option) } : {}),
      },
    ],
  } as KnownBlock;
}
