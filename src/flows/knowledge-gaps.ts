import type { KnownBlock } from '@slack/types';
import type { AppContext } from '../context.js';
import { ARTICLE_WORTHY_COUNT, knowledgeGaps, type KnowledgeGaps } from '../domain/knowledge-gaps.js';
import type { Window } from '../domain/report-period.js';
import { LIMITS } from '../../views/text.js';
import { knowledgeGapBlocks } from '../../views/knowledge.js';

type Message = { text: string; blocks: KnownBlock[] };

/** A report's message with the knowledge-base section after its own (within Slack's 50 blocks). */
export function appendKnowledgeGaps(message: Message, k: KnowledgeGaps): Message {
  const extra = knowledgeGapBlocks(k.gaps, k.selfHelp, ARTICLE_WORTHY_COUNT);
  const room = LIMITS.blocks - message.blocks.length;
  return room > 1
    ? { ...message, blocks: [...message.blocks, { type: 'divider' }, ...extra.slice(0, room - 1)] }
    : message;
}

/** The weekly review's message with "seen more than three times" and self-help for its week. */
export async function withKnowledgeGaps(
  ctx: AppContext,
  message: Message,
  current: Window,
  previous: Window,
): Promise<Message> {
  return appendKnowledgeGaps(message, await knowledgeGaps(ctx, current, previous));
}
