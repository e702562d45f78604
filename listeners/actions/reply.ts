import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { AppContext } from '../../src/context.js';
import { DomainError, TicketNotFoundError } from '../../src/domain/errors.js';
import { OPEN_STATUSES, STATUS_LABELS, type Status } from '../../src/domain/types.js';
import { ActionIds } from '../../views/ids.js';
import { replyModal } from '../../views/reply-modal.js';
import { afterAck } from '../respond.js';
import { parseTicketRef, type ModalMetadata } from '../ticket-ref.js';
import { cardActionSource, mayActOrTell } from './card-action.js';

/** "Reply" opens the reply form at once (the trigger_id expires three seconds after the click). */
export function register(app: App, ctx: AppContext): void {
  app.action<BlockAction<ButtonAction>>(ActionIds.reply, async ({ ack, body, action }) => {
    await ack();
    const src = cardActionSource(body, action);
    await afterAck(ctx, { channel: src.channel, user: src.user, what: 'open reply form' }, async () => {
      if (!(await mayActOrTell(ctx, src))) return;
      const ref = parseTicketRef(action.value);
      if (!ref) throw new DomainError('That button is out of date or malformed; nothing was changed.');
      const ticket = await ctx.models.Ticket.findById(ref.ticketId, { key: 1, subject: 1, requester: 1, status: 1 }).lean();
      if (!ticket) throw new TicketNotFoundError('That ticket no longer exists.');
      const status = ticket.status as Status;
      if (!OPEN_STATUSES.includes(status)) throw new DomainError(`${ticket.key} is ${STATUS_LABELS[status].toLowerCase()}. Reopen it before replying to the requester.`);
      const metadata: ModalMetadata = { ticketId: ref.ticketId, channel: src.channel, ts: src.ts };
      await ctx.slack.views.open({ trigger_id: body.trigger_id, view: replyModal({ ticket, privateMetadata: JSON.stringify(metadata) }) });
    });
  });
}
