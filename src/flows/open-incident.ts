import type { AppContext } from '../context.js';
import { recordMessage, recordOpened, recordWarRoom } from '../domain/incidents/delivered.js';
import { advancePaging } from '../domain/incidents/paging.js';
import { postIncidentAlert, setUpWarRoom } from '../slack/incidents/open.js';
import { cardLinkOf, refreshRoleHomes } from '../slack/incidents/refresh.js';
import { incidentView } from '../slack/incidents/view.js';
import { openWarRoom } from '../slack/incidents/war-room.js';
import { botUserId } from '../slack/workspace-url.js';
import { warRoomNote } from '../../views/incident.js';

/**
 * The first minute of a P0 (PRODUCT.md, "P0 emergency"), each step once however often the job runs: ask
 * for the PagerDuty trigger (its own effect, so a Slack outage never holds it up), open the war room, invite
 * the people, set its topic, bookmark the card, post and pin the brief, alert #support with @channel, and page
 * on-call. A war room Slack refuses (a scope, a workspace setting) is recorded with the fix, and the alert and
 * pages go out anyway. Done, the incident no longer owes it (the clock sweep asks again until then).
 */
export async function openIncident(ctx: AppContext, incidentId: string): Promise<void> {
  const incident = await ctx.models.Incident.findById(incidentId);
  if (!incident) return;
  const ticket = await ctx.models.Ticket.findById(incident.ticketId);
  if (!ticket) return;
  if (ctx.incidents.pagerDuty) await ctx.effects.pagerDuty(incident.id, 'trigger');
  const cardLink = await cardLinkOf(ctx, ticket);

  if (!incident.channel?.id && !incident.channel?.error) {
    const deps = { ...ctx, botUserId: () => botUserId(ctx.slack) };
    const room = await openWarRoom(deps, incident, { private: ctx.incidents.privateChannel, at: ctx.clock.now() });
    // The note below shows the room, so the loaded incident gets it before the view is drawn.
    Object.assign(
      incident.channel ?? (incident.channel = {}),
      'id' in room ? { id: room.id, name: room.name } : { error: room.error },
    );
    await recordWarRoom(
      ctx,
      incident,
      room,
      warRoomNote(incidentView(incident), 'hint' in room ? room.hint : undefined),
    );
    if ('error' in room)
      ctx.logger.error({ incident: incident.key, error: room.error }, 'war room could not be opened');
  }

  const room = incident.channel?.id;
  if (room) await recordMessage(ctx, incident._id, 'brief', await setUpWarRoom(ctx, incident, ticket, room, cardLink));
  await recordMessage(ctx, incident._id, 'alert', await postIncidentAlert(ctx, incident, cardLink));
  await advancePaging(ctx, incident.id);
  await refreshRoleHomes(ctx, incident);
  await recordOpened(ctx, incident._id);
}
