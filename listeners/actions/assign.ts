import type { App, UsersSelectAction } from '@slack/bolt';
import { z } from 'zod';
import type { AppContext } from '../../src/context.js';
import { DomainError } from '../../src/domain/errors.js';
import { assignTicket } from '../../src/domain/triage.js';
import { ActionIds } from '../../views/ids.js';
import { usergroupMention } from '../../views/text.js';
import { onCardAction, ticketIdFromBlockId } from '../card-action.js';

const userId = z.string().regex(/^[UW][A-Z0-9]{2,}$/);

/** The card's assignee select. Tickets go to people: apps and deactivated accounts are refused. */
export function register(app: App, ctx: AppContext): void {
  onCardAction<UsersSelectAction>(app, ctx, ActionIds.assign, 'assign', async (src, action) => {
    const ticketId = ticketIdFromBlockId(action.block_id);
    const assignee = userId.safeParse(action.selected_user);
    if (!ticketId || !assignee.success) throw new DomainError('That card control is out of date or malformed; nothing was changed.');
    // Tickets go to the support team only: an outsider would be DMed the card and see the requester's mail.
    if (ctx.team.usergroup && !(await ctx.team.mayAct(assignee.data))) {
      throw new DomainError(`<@${assignee.data}> is not in ${usergroupMention(ctx.team.usergroup)}, so they cannot own a ticket. Nothing was changed.`);
    }
    if (assignee.data !== src.user) {
      const { user } = await ctx.slack.users.info({ user: assignee.data });
      if (user?.is_bot || user?.deleted) throw new DomainError(`<@${assignee.data}> cannot own a ticket: ${user.is_bot ? 'it is an app' : 'the account is deactivated'}. Nothing was changed.`);
    }
    await assignTicket(ctx, ticketId, src.change, assignee.data);
  });
}
