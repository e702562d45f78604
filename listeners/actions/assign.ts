import type { App, UsersSelectAction } from '@slack/bolt';
import { z } from 'zod';
import type { AppContext } from '../../src/context.js';
import { DomainError } from '../../src/domain/errors.js';
import { assignTicket } from '../../src/domain/triage.js';
import { routingGroupsOf } from '../../src/slack/routing-groups.js';
import { ActionIds } from '../../views/ids.js';
import { onCardAction, ticketIdFromBlockId } from '../card-action.js';

const userId = z.string().regex(/^[UW][A-Z0-9]{2,}$/);

/** The card's assignee select. Tickets go to people: apps and deactivated accounts are refused. */
export function register(app: App, ctx: AppContext): void {
  onCardAction<UsersSelectAction>(app, ctx, ActionIds.assign, 'assign', async (src, action) => {
    const ticketId = ticketIdFromBlockId(action.block_id);
    const assignee = userId.safeParse(action.selected_user);
    if (!ticketId || !assignee.success)
      throw new DomainError('That card control is out of date or malformed; nothing was changed.');
    const refusal = await ctx.team.whyCannotOwn(assignee.data, src.user);
    if (refusal) throw new DomainError(refusal);
    await assignTicket(ctx, ticketId, src.change, assignee.data, await routingGroupsOf(ctx, assignee.data));
  });
}
