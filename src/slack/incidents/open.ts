import type { AppContext } from '../../context.js';
import type { IncidentDoc } from '../../db/models/incident.js';
import { deliverOnce } from '../../db/once.js';
import { OnceKeys } from '../../db/once-keys.js';
import { advancePaging } from '../../domain/incidents/paging.js';
import { changeTicket } from '../../domain/ticket-changes.js';
import { incidentAlert, incidentTopic, warRoomNote, type IncidentView } from '../../../views/incident.js';
import { messageUrl } from '../../../views/ticket-list.js';
import { BusyElsewhereError, mayHaveReachedSlack, slackErrorCode } from '../errors.js';
import { postMessageOnce, SLACK_CLAIM_MS } from '../post-once.js';
import { botUserId, channelUrl, workspaceUrl } from '../workspace-url.js';
import { refreshRoleHomes, renderBrief } from './refresh.js';
import { openWarRoom } from './war-room.js';

export const BRIEF_EVENT_TYPE = 'deskbell_incident_brief';
export const ALERT_EVENT_TYPE = 'deskbell_incident_alert';

export function incidentView(i: IncidentDoc): IncidentView {
  return { ...(i.toObject() as object), id: i.id } as IncidentView;
}

/** Errors Slack gives for an invite or pin that already took effect: done, not failed. */
const ALREADY = new Set(['already_in_channel', 'cant_invite_self', 'already_pinned', 'user_is_restricted', 'user_not_found', 'user_disabled']);

async function tolerate(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (!ALREADY.has(slackErrorCode(err) ?? '')) throw err;
  }
}

/**
 * The first minute of a P0 (PRODUCT.md, "P0 emergency"), each step once however often the job runs:
 * open the war room, invite the people, set its topic, bookmark the card, post and pin the brief, alert
 * #support with @channel, and page on-call. A war room Slack refuses (a scope, a workspace setting) is
 * recorded with the fix, and the alert and pages go out anyway.
 */
export async function openIncident(ctx: AppContext, incidentId: string): Promise<void> {
  const incident = await ctx.models.Incident.findById(incidentId);
  if (!incident) return;
  const ticket = await ctx.models.Ticket.findById(incident.ticketId);
  if (!ticket) return;
  const base = await workspaceUrl(ctx.slack);
  const cardLink = ticket.card?.channel && ticket.card.ts && base ? messageUrl(base, ticket.card.channel, ticket.card.ts) : undefined;
  const deps = { ...ctx, botUserId: () => botUserId(ctx.slack) };

  if (!incident.channel?.id && !incident.channel?.error) {
    const room = await openWarRoom(deps, incident, { private: ctx.incidents.privateChannel, at: ctx.clock.now() });
    const set = 'id' in room ? { 'channel.id': room.id, 'channel.name': room.name } : { 'channel.error': room.error };
    await ctx.models.Incident.updateOne({ _id: incident._id }, { $set: set, $inc: { __v: 1 } });
    Object.assign(incident.channel ?? (incident.channel = {}), 'id' in room ? { id: room.id, name: room.name } : { error: room.error });
    await changeTicket(ctx, String(ticket._id), { actor: { type: 'system', name: 'Deskbell' }, dedupeKey: `war-room:${incident.id}` }, (t, record) => {
      if ('id' in room) t.incident = { ...(t.incident ?? {}), id: incident._id, key: incident.key, channelId: room.id, channelName: room.name };
      record({ kind: 'war_room', text: warRoomNote(incidentView(incident), 'hint' in room ? room.hint : undefined), data: { incident: incident.key, ...room }, notify: true });
    });
    if ('error' in room) ctx.logger.error({ incident: incident.key, error: room.error }, 'war room could not be opened');
  }

  const view = incidentView(incident);
  const room = incident.channel?.id;
  if (room) {
    const people = [incident.roles?.declarer, ticket.assignee, incident.roles?.commander, ...(incident.roles?.oncall ?? [])];
    if (incident.roles?.oncallUsergroup) people.push(...(await groupMembers(ctx, incident.roles.oncallUsergroup)));
    if (ctx.incidents.respondersUsergroup) people.push(...(await groupMembers(ctx, ctx.incidents.respondersUsergroup)));
    const invite = [...new Set(people.filter((u): u is string => !!u && /^[UW][A-Z0-9]+$/.test(u)))];
    if (invite.length) await tolerate(ctx.slack.conversations.invite({ channel: room, users: invite.join(',') }));
    await ctx.slack.conversations.setTopic({ channel: room, topic: incidentTopic(view, ctx.policy.timeZone) });
    if (cardLink) await bookmarkCard(ctx, incident, room, cardLink);
    const brief = await renderBrief(ctx, incident, ticket, cardLink);
    const posted = await postMessageOnce(ctx, {
      key: OnceKeys.incidentBrief(incident.id),
      kind: 'incident-brief',
      ticketId: incident.ticketId,
      at: ctx.clock.now(),
      channel: room,
      ...brief,
      eventType: BRIEF_EVENT_TYPE,
      payload: { incident_id: incident.id },
      since: incident.declaredAt,
    });
    await tolerate(ctx.slack.pins.add({ channel: room, timestamp: posted.result.ts }));
    await ctx.models.Incident.updateOne({ _id: incident._id }, { $set: { 'brief.channel': posted.result.channel, 'brief.ts': posted.result.ts }, $inc: { __v: 1 } });
  }

  const alert = incidentAlert(view, { ...(room ? { channelUrl: channelUrl(base, room) } : {}), ...(cardLink ? { cardLink } : {}) });
  const alerted = await postMessageOnce(ctx, {
    key: OnceKeys.incidentAlert(incident.id),
    kind: 'incident-alert',
    ticketId: incident.ticketId,
    at: ctx.clock.now(),
    channel: ctx.supportChannel,
    ...alert,
    eventType: ALERT_EVENT_TYPE,
    payload: { incident_id: incident.id },
    since: incident.declaredAt,
  });
  await ctx.models.Incident.updateOne({ _id: incident._id }, { $set: { 'alert.channel': alerted.result.channel, 'alert.ts': alerted.result.ts }, $inc: { __v: 1 } });
  await advancePaging(ctx, incident.id);
  await refreshRoleHomes(ctx, incident);
}

async function bookmarkCard(ctx: AppContext, incident: IncidentDoc, channel: string, link: string): Promise<void> {
  const outcome = await deliverOnce(ctx.models, {
    key: OnceKeys.warRoomBookmark(incident.id),
    kind: 'war-room-bookmark',
    ticketId: incident.ticketId,
    at: ctx.clock.now(),
    deadlineMs: SLACK_CLAIM_MS,
    mayHaveReached: mayHaveReachedSlack,
    check: async () => {
      const res = await ctx.slack.bookmarks.list({ channel_id: channel });
      const hit = (res.bookmarks ?? []).find((b) => b.link === link);
      return hit?.id ? { id: hit.id } : undefined;
    },
    send: async () => {
      const res = await ctx.slackNoRetry.bookmarks.add({ channel_id: channel, title: `${incident.ticketKey} card`, type: 'link', link });
      return { id: res.bookmark?.id ?? 'added' };
    },
  });
  if (outcome.status === 'busy') throw new BusyElsewhereError(`another worker is bookmarking ${incident.key}`);
}

export async function groupMembers(ctx: AppContext, usergroup: string): Promise<string[]> {
  try {
    return (await ctx.slack.usergroups.users.list({ usergroup })).users ?? [];
  } catch (err) {
    ctx.logger.warn({ err, usergroup }, 'could not list a user group');
    return [];
  }
}
