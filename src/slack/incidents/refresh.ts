import type { AppContext } from '../../context.js';
import type { IncidentDoc } from '../../db/models/incident.js';
import type { TicketDoc } from '../../db/models/ticket.js';
import { linkedTickets } from '../../domain/incidents/queries.js';
import type { UpdateData } from '../../domain/incidents/updates.js';
import { incidentBrief, incidentTopic, type LatestUpdateView } from '../../../views/incident.js';
import { messageUrl } from '../../../views/ticket-list.js';
import { workspaceUrl } from '../workspace-url.js';
import { incidentView } from './view.js';

/** The brief's content from the stored incident: the linked tickets (numbers, no requesters) and the latest update. */
export async function renderBrief(ctx: AppContext, incident: IncidentDoc, cardLink: string | undefined) {
  const linked = await linkedTickets(ctx, incident.id);
  const last = incident.timeline.filter((e) => e.kind === 'status_update').at(-1);
  const d = last?.data as UpdateData | undefined;
  const latest: LatestUpdateView | undefined =
    last && d
      ? {
          at: last.at,
          status: d.status,
          known: d.known,
          impact: d.impact,
          ...(d.nextAt ? { nextAt: new Date(d.nextAt) } : {}),
        }
      : undefined;
  return incidentBrief(incidentView(incident), {
    ...(cardLink ? { cardLink } : {}),
    linked: linked.map((t) => ({ key: t.key, subject: t.subject, status: t.status })),
    ...(latest ? { latest } : {}),
    cadenceMinutes: Math.round((ctx.incidents.updateMs / 60_000) * 10) / 10,
  });
}

export async function cardLinkOf(ctx: AppContext, ticket: TicketDoc): Promise<string | undefined> {
  const base = await workspaceUrl(ctx.slack);
  return ticket.card?.channel && ticket.card.ts && base
    ? messageUrl(base, ticket.card.channel, ticket.card.ts)
    : undefined;
}

/**
 * App Home lists the live incidents at the top: those with a role in this one (declarer, commander, on call)
 * get theirs refreshed (throttled per user); everyone else sees the change when they next open the tab.
 */
export async function refreshRoleHomes(ctx: AppContext, incident: Pick<IncidentDoc, 'roles'>): Promise<void> {
  const r = incident.roles;
  const people = new Set(
    [r?.declarer, r?.commander, ...(r?.oncall ?? []), r?.secondary].filter((u): u is string => !!u),
  );
  for (const user of people) await ctx.effects.refreshHome(user);
}

/** Re-renders the war room's topic and pinned brief from the stored incident (both idempotent). */
export async function refreshIncident(ctx: AppContext, incidentId: string): Promise<void> {
  const incident = await ctx.models.Incident.findById(incidentId);
  if (!incident) return;
  await refreshRoleHomes(ctx, incident);
  if (!incident.channel?.id || incident.archive?.doneAt) return;
  const ticket = await ctx.models.Ticket.findById(incident.ticketId);
  const view = incidentView(incident);
  await ctx.slack.conversations.setTopic({
    channel: incident.channel.id,
    topic: incidentTopic(view, ctx.policy.timeZone),
  });
  if (incident.brief?.ts && incident.brief.channel && ticket) {
    const brief = await renderBrief(ctx, incident, await cardLinkOf(ctx, ticket));
    await ctx.slack.chat.update({ channel: incident.brief.channel, ts: incident.brief.ts, ...brief });
  }
}
