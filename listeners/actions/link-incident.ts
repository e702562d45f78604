import type { App } from '@slack/bolt';
import type { AppContext } from '../../src/context.js';
import { linkChoices } from '../../src/domain/incidents/guards.js';
import { unlinkTicket } from '../../src/domain/incidents/links.js';
import { ActionIds } from '../../views/ids.js';
import { linkIncidentModal } from '../../views/incident-list.js';
import type { ModalMetadata } from '../ticket-ref.js';
import { tellUser } from '../respond.js';
import { onCardButton } from '../card-action.js';

/** The card's "Link to incident" (a form choosing among the active incidents) and "Unlink". */
export function register(app: App, ctx: AppContext): void {
  onCardButton(app, ctx, ActionIds.ticketLinkIncident, 'open the link form', async ({ src, ticketId, triggerId }) => {
    const { ticket, choices, current } = await linkChoices(ctx, ticketId);
    const metadata: ModalMetadata = { ticketId, channel: src.channel, ts: src.ts };
    await ctx.slack.views.open({
      trigger_id: triggerId,
      view: linkIncidentModal({
        ticket,
        incidents: choices,
        ...(current ? { current } : {}),
        privateMetadata: JSON.stringify(metadata),
      }),
    });
  });

  onCardButton(app, ctx, ActionIds.ticketUnlinkIncident, 'unlink from incident', async ({ src, ticketId }) => {
    const { changed, ticket } = await unlinkTicket(ctx, {
      ticketId,
      actor: src.change.actor,
      requestKey: src.change.dedupeKey!,
    });
    if (!changed) await tellUser(ctx.slack, src.channel, src.user, `${ticket.key} is not linked to an incident.`);
  });
}
