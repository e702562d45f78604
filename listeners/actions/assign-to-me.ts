import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { AppContext } from '../../src/context.js';
import { DomainError } from '../../src/domain/errors.js';
import { assignTicket } from '../../src/domain/triage.js';
import { ActionIds } from '../../views/ids.js';
import { afterAck } from '../respond.js';
import { parseTicketRef } from '../ticket-ref.js';
import { cardActionSource, mayActOrTell } from './card-action.js';

/** "Assign to me": the clicking agent takes the ticket (taking over from the current assignee, if any). */
export function register(app: App, ctx: AppContext): void {
  app.action<BlockAction<ButtonAction>>(ActionIds.assignToMe, async ({ ack, body, action }) => {
    await ack();
    const src = cardActionSource(body, action);
    await afterAck(ctx, { channel: src.channel, user: src.user, what: 'assign to me' }, async () => {
      if (!(await mayActOrTell(ctx, src))) return;
      const ref = parseTicketRef(action.value);
      if (!ref) throw new DomainError('That button is out of date or malformed; nothing was changed.');
      await assignTicket(ctx, ref.ticketId, src.change, src.user);
    });
  });
}
