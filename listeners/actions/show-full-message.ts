import type { App, ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import type { AppContext } from '../../src/context.js';
import { DomainError } from '../../src/domain/errors.js';
import { fullMessage } from '../../src/domain/ticket-messages.js';
import { fullMessageModal } from '../../views/full-message-modal.js';
import { ActionIds } from '../../views/ids.js';
import { onCardAction } from '../card-action.js';
import { parseJson } from '../ticket-ref.js';

const messageRefSchema = z.object({
  ticketId: z.string().regex(/^[a-f0-9]{24}$/),
  eventId: z.string().regex(/^[a-f0-9]{24}$/),
});

/** "Show the full message" on a requester's mail in a card's thread: the mail as received, in a modal. */
export function register(app: App, ctx: AppContext): void {
  onCardAction<ButtonAction>(
    app,
    ctx,
    ActionIds.showFullMessage,
    'show the full message',
    async (_src, action, body) => {
      const ref = parseJson(messageRefSchema, action.value);
      if (!ref) throw new DomainError('That button is out of date or malformed.');
      const message = await fullMessage(ctx, ref.ticketId, ref.eventId);
      await ctx.slack.views.open({ trigger_id: body.trigger_id, view: fullMessageModal(message) });
    },
  );
}
