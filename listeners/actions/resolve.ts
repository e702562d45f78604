import type { App } from '@slack/bolt';
import type { AppContext } from '../../src/context.js';
import { ticketForResolution } from '../../src/domain/resolution.js';
import { ActionIds } from '../../views/ids.js';
import { resolveModal } from '../../views/resolve-modal.js';
import type { ModalMetadata } from '../ticket-ref.js';
import { onCardButton } from '../card-action.js';

/** "Resolve" opens the resolution form (what was done, how to verify); the submission resolves and emails. */
export function register(app: App, ctx: AppContext): void {
  onCardButton(app, ctx, ActionIds.resolve, 'open resolve form', async ({ src, ticketId, triggerId }) => {
    const ticket = await ticketForResolution(ctx, ticketId);
    const metadata: ModalMetadata = { ticketId, channel: src.channel, ts: src.ts };
    await ctx.slack.views.open({
      trigger_id: triggerId,
      view: resolveModal({
        ticket,
        privateMetadata: JSON.stringify(metadata),
        autoCloseDays: ctx.config.AUTO_CLOSE_DAYS,
      }),
    });
  });
}
