import type { App } from '@slack/bolt';
import type { AppContext } from '../../src/context.js';
import { ticketForEscalation } from '../../src/domain/escalation.js';
import { escalateModal } from '../../views/escalate-modal.js';
import { ActionIds } from '../../views/ids.js';
import type { ModalMetadata } from '../ticket-ref.js';
import { onCardButton } from '../card-action.js';

/**
 * "Escalate" opens the escalation form. The trigger_id expires three seconds after the click, so the only
 * work before views.open is the membership check (cached) and one read of the ticket.
 */
export function register(app: App, ctx: AppContext): void {
  onCardButton(app, ctx, ActionIds.escalate, 'open escalation form', async ({ src, ticketId, triggerId }) => {
    const ticket = await ticketForEscalation(ctx, ticketId);
    const metadata: ModalMetadata = { ticketId, channel: src.channel, ts: src.ts };
    await ctx.slack.views.open({ trigger_id: triggerId, view: escalateModal(ticket, JSON.stringify(metadata)) });
  });
}
