import type { App } from '@slack/bolt';
import type { AppContext } from '../../src/context.js';
import { closeTicket } from '../../src/domain/resolution.js';
import { ActionIds } from '../../views/ids.js';
import { onCardButton } from '../card-action.js';

/** "Close" closes an open or resolved ticket; the card and its thread show it. */
export function register(app: App, ctx: AppContext): void {
  onCardButton(app, ctx, ActionIds.close, 'close ticket', async ({ src, ticketId }) => {
    await closeTicket(ctx, { ticketId, actor: src.change.actor, requestKey: src.change.dedupeKey! });
  });
}
