import type { App } from '@slack/bolt';
import type { AppContext } from '../../src/context.js';
import { ticketForReply } from '../../src/domain/replies.js';
import { ActionIds } from '../../views/ids.js';
import { replyModal } from '../../views/reply-modal.js';
import type { ModalMetadata } from '../ticket-ref.js';
import { onCardButton } from '../card-action.js';

/** "Reply" opens the reply form at once (the trigger_id expires three seconds after the click). */
export function register(app: App, ctx: AppContext): void {
  onCardButton(app, ctx, ActionIds.reply, 'open reply form', async ({ src, ticketId, triggerId }) => {
    const ticket = await ticketForReply(ctx, ticketId);
    const metadata: ModalMetadata = { ticketId, channel: src.channel, ts: src.ts };
    await ctx.slack.views.open({
      trigger_id: triggerId,
      view: replyModal({ ticket, privateMetadata: JSON.stringify(metadata) }),
    });
  });
}
