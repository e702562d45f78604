import type { AppContext } from '../../context.js';
import { OnceKeys } from '../../db/once-keys.js';
import { incidentNoteText, pageMessage } from '../../../views/incident.js';
import { postMessageOnce } from '../post-once.js';
import { slackErrorCode } from '../errors.js';
import { channelUrl, workspaceUrl } from '../workspace-url.js';
import { groupMembers } from '../usergroups.js';
import { incidentView } from './view.js';

export const PAGE_EVENT_TYPE = 'deskbell_page';
export const INCIDENT_NOTE_EVENT_TYPE = 'deskbell_incident_note';

/**
 * Pages for one `paged` or `page_escalated` event: a DM with an Acknowledge button to each person (once per
 * person and event) and a mention in the war room. A round pages on-call; the escalation pages the
 * secondary and the leads; rounds after it page all of them.
 */
export async function sendPage(ctx: AppContext, incidentId: string, eventId: string): Promise<void> {
  const incident = await ctx.models.Incident.findById(incidentId);
  const event = incident?.timeline.find((e) => String(e._id) === eventId);
  if (!incident || !event) return;
  if (incident.page?.acknowledgedAt || incident.status !== 'active') return; // answered meanwhile: no more pages
  const escalation = event.kind === 'page_escalated';
  const data = (event.data ?? {}) as { round?: number; escalated?: boolean };
  const people = new Set<string>();
  if (!escalation) {
    for (const u of incident.roles?.oncall ?? []) people.add(u);
    if (incident.roles?.oncallUsergroup)
      for (const u of await groupMembers(ctx, incident.roles.oncallUsergroup)) people.add(u);
  }
  if (escalation || data.escalated) {
    if (incident.roles?.secondary) people.add(incident.roles.secondary);
    if (ctx.incidents.leadsUsergroup)
      for (const u of await groupMembers(ctx, ctx.incidents.leadsUsergroup)) people.add(u);
  }
  const view = incidentView(incident);
  const base = await workspaceUrl(ctx.slack);
  const url = incident.channel?.id ? channelUrl(base, incident.channel.id) : undefined;
  const message = pageMessage(view, {
    round: escalation ? Math.max(0, incident.page?.round ?? 0) : (data.round ?? 0),
    escalated: escalation,
    ...(url ? { channelUrl: url } : {}),
  });
  for (const user of people) {
    try {
      await postMessageOnce(ctx, {
        key: OnceKeys.page(eventId, user),
        kind: 'page',
        ticketId: incident.ticketId,
        at: ctx.clock.now(),
        channel: user,
        ...message,
        eventType: PAGE_EVENT_TYPE,
        payload: { incident_id: incident.id },
        since: event.at,
      });
    } catch (err) {
      // One unreachable person must not stop the others' pages.
      if (!['user_not_found', 'cannot_dm_bot', 'user_disabled', 'account_inactive'].includes(slackErrorCode(err) ?? ''))
        throw err;
      ctx.logger.warn({ incident: incident.key, user, error: slackErrorCode(err) }, 'could not page a user');
    }
  }
  await postIncidentNote(ctx, incidentId, eventId, [...people]);
}

/** Posts one incident event in the war room, once. */
export async function postIncidentNote(
  ctx: AppContext,
  incidentId: string,
  eventId: string,
  paged?: string[],
): Promise<void> {
  const incident = await ctx.models.Incident.findById(incidentId);
  const event = incident?.timeline.find((e) => String(e._id) === eventId);
  // An archived war room takes no more posts; the event stays on the incident's timeline.
  if (!incident || !event || !incident.channel?.id || incident.archive?.doneAt) return;
  await postMessageOnce(ctx, {
    key: OnceKeys.incidentNote(eventId),
    kind: 'incident-note',
    ticketId: incident.ticketId,
    at: ctx.clock.now(),
    channel: incident.channel.id,
    text: incidentNoteText(incidentView(incident), event, paged ? { paged } : {}),
    eventType: INCIDENT_NOTE_EVENT_TYPE,
    payload: { incident_id: incident.id, event_id: eventId },
    since: event.at,
  });
}
