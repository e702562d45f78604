import type { App } from '@slack/bolt';
import type { AppContext } from '../../src/context.js';
import { reopenTicket } from '../../src/domain/resolution.js';
import { ActionIds } from '../../views/ids.js';
import { onCardButton } from '../card-action.js';

/** "Reopen" puts a resolved or closed ticket back to work (counted: reopen rate is a tracked metric). */
export function register(app: App, ctx: AppContext): void {
  onCardButton(app, ctx, ActionIds.reopen, 'reopen ticket', async ({ src, ticketId }) => {
    await reopenTicket(ctx, { ticketId, actor: src.change.actor, requestKey: src.change.dedupeKey! });
  });
}
