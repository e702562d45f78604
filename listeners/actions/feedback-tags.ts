import type { App, MultiStaticSelectAction } from '@slack/bolt';
import type { AppContext } from '../../src/context.js';
import { DomainError } from '../../src/domain/errors.js';
import { setFeedbackTags } from '../../src/domain/feedback.js';
import { ActionIds } from '../../views/ids.js';
import { onCardAction } from '../card-action.js';
import { ticketIdFromFeedbackBlock } from '../kb-ref.js';

/** The card's Feedback multi-select: the chosen tags replace the ticket's (timeline, thread note, card). */
export function register(app: App, ctx: AppContext): void {
  onCardAction<MultiStaticSelectAction>(app, ctx, ActionIds.feedbackTags, 'tag feedback', async (src, action) => {
    const ticketId = ticketIdFromFeedbackBlock(action.block_id);
    if (!ticketId) throw new DomainError('That Feedback menu is out of date or malformed; nothing was changed.');
    const tags = (action.selected_options ?? []).map((o) => o.value);
    await setFeedbackTags(ctx, ticketId, src.change, tags);
  });
}
