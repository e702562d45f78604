import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { AppContext } from '../../src/context.js';
import { DomainError } from '../../src/domain/errors.js';
import { reopenTicket } from '../../src/domain/resolution.js';
import { ActionIds } from '../../views/ids.js';
import { afterAck } from '../respond.js';
import { parseTicketRef } from '../ticket-ref.js';
import { cardActionSource, mayActOrTell } from './card-action.js';

/** "Reopen" puts a resolved or closed ticket back to work (counted: reopen rate is a tracked metric). */
export function register(app: App, ctx: AppContext): void {
  app.action<BlockAction<ButtonAction>>(ActionIds.reopen, async ({ ack, body, action }) => {
    await ack();
    const src = cardActionSource(body, action);
    await afterAck(ctx, { channel: src.channel, user: src.user, what: 'reopen ticket' }, async () => {
      if (!(await mayActOrTell(ctx, src))) return;
      const ref = parseTicketRef(action.value);
      if (!ref) throw new DomainError('That button is out of date or malformed; nothing was changed.');
      await reopenTicket(ctx, { ticketId: ref.ticketId, actor: src.change.actor, requestKey: src.change.dedupeKey! });
    });
  });
}
