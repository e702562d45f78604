import type { AppContext } from '../../context.js';
import { incidentBrief, incidentTopic } from '../../../views/incident.js';
import { messageUrl } from '../../../views/ticket-list.js';
import { workspaceUrl } from '../workspace-url.js';
import { incidentView } from './open.js';

/** Re-renders the war room's topic and pinned brief from the stored incident (both idempotent). */
export async function refreshIncident(ctx: AppContext, incidentId: string): Promise<void> {
  const incident = await ctx.models.Incident.findById(incidentId);
  if (!incident?.channel?.id) return;
  const ticket = await ctx.models.Ticket.findById(incident.ticketId);
  const view = incidentView(incident);
  await ctx.slack.conversations.setTopic({ channel: incident.channel.id, topic: incidentTopic(view, ctx.policy.timeZone) });
  if (incident.brief?.ts && incident.brief.channel && ticket) {
    const base = await workspaceUrl(ctx.slack);
    const cardLink = ticket.card?.channel && ticket.card.ts && base ? messageUrl(base, ticket.card.channel, ticket.card.ts) : undefined;
    await ctx.slack.chat.update({ channel: incident.brief.channel, ts: incident.brief.ts, ...incidentBrief(view, ticket, cardLink ? { cardLink } : {}) });
  }
}
