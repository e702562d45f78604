import type { App, ButtonAction, StaticSelectAction } from '@slack/bolt';
import { z } from 'zod';
import type { AppContext } from '../../src/context.js';
import { DomainError } from '../../src/domain/errors.js';
import { setPriority } from '../../src/domain/triage.js';
import { PRIORITIES } from '../../src/domain/types.js';
import { ActionIds } from '../../views/ids.js';
import { parseTicketRef } from '../ticket-ref.js';
import { onCardAction, ticketIdFromBlockId } from '../card-action.js';

const STALE = 'That card control is out of date or malformed; nothing was changed.';
const priorityValue = z.enum(PRIORITIES);

/**
 * The card's priority select (P1–P3, and P0 only to keep a P0) and its "Declare P0" button, whose Block Kit
 * confirm dialog Slack shows before the click reaches us: P0 is applied only from that button.
 */
export function register(app: App, ctx: AppContext): void {
  onCardAction<StaticSelectAction>(app, ctx, ActionIds.setPriority, 'set priority', async (src, action) => {
    const ticketId = ticketIdFromBlockId(action.block_id);
    const priority = priorityValue.safeParse(action.selected_option?.value);
    if (!ticketId || !priority.success) throw new DomainError(STALE);
    await setPriority(ctx, ticketId, src.change, priority.data);
  });

  onCardAction<ButtonAction>(app, ctx, ActionIds.declareP0, 'declare P0', async (src, action) => {
    const ref = parseTicketRef(action.value);
    if (!ref) throw new DomainError(STALE);
    await setPriority(ctx, ref.ticketId, src.change, 'P0', { confirmedP0: true, via: 'card' });
  });
}
