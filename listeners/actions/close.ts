import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { AppContext } from '../../src/context.js';
import { DomainError } from '../../src/domain/errors.js';
import { closeTicket } from '../../src/domain/resolution.js';
import { ActionIds } from '../../views/ids.js';
import { afterAck } from '../respond.js';
import { parseTicketRef } from '../ticket-ref.js';
import { cardActionSource, mayActOrTell } from './card-action.js';

/** "Close" closes an open or resolved ticket; the card and its thread show it. */
export function register(app: App, ctx: AppContext): void {
  app.action<BlockAction<ButtonAction>>(ActionIds.close, async ({ ack, body, action }) => {
    await ack();
    const src = cardActionSource(body, action);
    await afterAck(ctx, { channel: src.channel, user: src.user, what: 'close ticket' }, async () => {
      if (!(await mayActOrTell(ctx, src))) return;
      const ref = parseTicketRef(action.value);
      if (!ref) throw new DomainError('That button is out of date or malformed; nothing was changed.');
      await closeTicket(ctx, { ticketId: ref.ticketId, actor: src.change.actor, requestKey: src.change.dedupeKey! });
    });
  });
}
