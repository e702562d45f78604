import type { App } from '@slack/bolt';
import type { AppContext } from '../../src/context.js';
import { assignTicket } from '../../src/domain/triage.js';
import { routingGroupsOf } from '../../src/slack/routing-groups.js';
import { ActionIds } from '../../views/ids.js';
import { onCardButton } from '../card-action.js';

/** "Assign to me": the clicking agent takes the ticket (taking over from the current assignee, if any). */
export function register(app: App, ctx: AppContext): void {
  onCardButton(app, ctx, ActionIds.assignToMe, 'assign to me', async ({ src, ticketId }) => {
    await assignTicket(ctx, ticketId, src.change, src.user, await routingGroupsOf(ctx, src.user));
  });
}
