import type { App } from '@slack/bolt';
import type { AppContext } from '../../src/context.js';
import { DomainError, TicketNotFoundError } from '../../src/domain/errors.js';
import { liveIncidents, unlinkTicket } from '../../src/domain/incidents/links.js';
import { ActionIds } from '../../views/ids.js';
import { linkIncidentModal } from '../../views/incident-list.js';
import type { ModalMetadata } from '../ticket-ref.js';
import { tellUser } from '../respond.js';
import { onCardButton } from './card-action.js';

/** The card's "Link to incident" (a form choosing among the active incidents) and "Unlink". */
export function register(app: App, ctx: AppContext): void {
  onCardButton(app, ctx, ActionIds.ticketLinkIncident, 'open the link form', async ({ src, ticketId, triggerId }) => {
    const [ticket, incidents] = await Promise.all([ctx.models.Ticket.findById(ticketId, { key: 1, subject: 1, linkedIncident: 1 }).lean(), liveIncidents(ctx)]);
    if (!ticket) throw new TicketNotFoundError('That ticket no longer exists.');
    const choices = incidents.filter((i) => String(i.ticketId) !== ticketId).map((i) => ({ id: String(i._id), key: i.key, title: i.title }));
    if (!choices.length) throw new DomainError('No incident is active. Declare one with "Declare P0" on a card or `/support incident <title>`.');
    const metadata: ModalMetadata = { ticketId, channel: src.channel, ts: src.ts };
    await ctx.slack.views.open({
      trigger_id: triggerId,
      view: linkIncidentModal({ ticket, incidents: choices, ...(ticket.linkedIncident?.id ? { current: String(ticket.linkedIncident.id) } : {}), privateMetadata: JSON.stringify(metadata) }),
    });
  });

  onCardButton(app, ctx, ActionIds.ticketUnlinkIncident, 'unlink from incident', async ({ src, ticketId }) => {
    const { changed, ticket } = await unlinkTicket(ctx, { ticketId, actor: src.change.actor, requestKey: src.change.dedupeKey! });
    if (!changed) await tellUser(ctx.slack, src.channel, src.user, `${ticket.key} is not linked to an incident.`);
  });
}
