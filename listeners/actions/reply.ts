import type { App } from '@slack/bolt';
import type { AppContext } from '../../src/context.js';
import { DomainError, TicketNotFoundError } from '../../src/domain/errors.js';
import { OPEN_STATUSES, STATUS_LABELS, type Status } from '../../src/domain/types.js';
import { ActionIds } from '../../views/ids.js';
import { replyModal } from '../../views/reply-modal.js';
import type { ModalMetadata } from '../ticket-ref.js';
import { onCardButton } from './card-action.js';

/** "Reply" opens the reply form at once (the trigger_id expires three seconds after the click). */
export function register(app: App, ctx: AppContext): void {
  onCardButton(app, ctx, ActionIds.reply, 'open reply form', async ({ src, ticketId, triggerId }) => {
    const ticket = await ctx.models.Ticket.findById(ticketId, { key: 1, subject: 1, requester: 1, status: 1 }).lean();
    if (!ticket) throw new TicketNotFoundError('That ticket no longer exists.');
    const status = ticket.status as Status;
    if (!OPEN_STATUSES.includes(status)) throw new DomainError(`${ticket.key} is ${STATUS_LABELS[status].toLowerCase()}. Reopen it before replying to the requester.`);
    const metadata: ModalMetadata = { ticketId, channel: src.channel, ts: src.ts };
    await ctx.slack.views.open({ trigger_id: triggerId, view: replyModal({ ticket, privateMetadata: JSON.stringify(metadata) }) });
  });
}
