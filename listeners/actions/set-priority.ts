import type { App, BlockAction, ButtonAction, StaticSelectAction } from '@slack/bolt';
import { z } from 'zod';
import type { AppContext } from '../../src/context.js';
import { DomainError } from '../../src/domain/errors.js';
import { setPriority } from '../../src/domain/triage.js';
import { PRIORITIES } from '../../src/domain/types.js';
import { ActionIds } from '../../views/ids.js';
import { afterAck } from '../respond.js';
import { parseTicketRef } from '../ticket-ref.js';
import { cardActionSource, mayActOrTell, ticketIdFromBlockId } from './card-action.js';

const STALE = 'That card control is out of date or malformed; nothing was changed.';
const priorityValue = z.enum(PRIORITIES);

/**
 * The card's priority select (P1–P3, and P0 only to keep a P0) and its "Declare P0" button, whose Block Kit
 * confirm dialog Slack shows before the click reaches us: P0 is applied only from that button.
 */
export function register(app: App, ctx: AppContext): void {
  app.action<BlockAction<StaticSelectAction>>(ActionIds.setPriority, async ({ ack, body, action }) => {
    await ack();
    const src = cardActionSource(body, action);
    await afterAck(ctx, { channel: src.channel, user: src.user, what: 'set priority' }, async () => {
      if (!(await mayActOrTell(ctx, src))) return;
      const ticketId = ticketIdFromBlockId(action.block_id);
      const priority = priorityValue.safeParse(action.selected_option?.value);
      if (!ticketId || !priority.success) throw new DomainError(STALE);
      await setPriority(ctx, ticketId, src.change, priority.data);
    });
  });

  app.action<BlockAction<ButtonAction>>(ActionIds.declareP0, async ({ ack, body, action }) => {
    await ack();
    const src = cardActionSource(body, action);
    await afterAck(ctx, { channel: src.channel, user: src.user, what: 'declare P0' }, async () => {
      if (!(await mayActOrTell(ctx, src))) return;
      const ref = parseTicketRef(action.value);
      if (!ref) throw new DomainError(STALE);
      await setPriority(ctx, ref.ticketId, src.change, 'P0', { confirmedP0: true });
    });
  });
}
