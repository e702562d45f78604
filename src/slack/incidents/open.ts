import type { AppContext } from '../../context.js';
import type { IncidentDoc } from '../../db/models/incident.js';
import type { TicketDoc } from '../../db/models/ticket.js';
import { deliverOnce } from '../../db/once.js';
import { OnceKeys } from '../../db/once-keys.js';
import { incidentAlert, incidentTopic } from '../../../views/incident.js';
import { BusyElsewhereError, mayHaveReachedSlack, slackErrorCode } from '../errors.js';
import { postMessageOnce } from '../post-once.js';
import { groupMembers } from '../usergroups.js';
import { channelUrl, workspaceUrl } from '../workspace-url.js';
import { renderBrief } from './refresh.js';
import { incidentView } from './view.js';

export const BRIEF_EVENT_TYPE = 'deskbell_incident_brief';
export const ALERT_EVENT_TYPE = 'deskbell_incident_alert';

/** Errors Slack gives for an invite or pin that already took effect: done, not failed. */
const ALREADY = new Set([
  'already_in_channel',
  'cant_invite_self',
  'already_pinned',
  'user_is_restricted',
  'user_not_found',
  'user_disabled',
]);

async function tolerate(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (!ALREADY.has(slackErrorCode(err) ?? '')) throw err;
  }
}

/**
 * Readies an open war room, each step once however often it runs: invites the people, sets its topic,
 * bookmarks the card, posts and pins the brief. Returns where the brief is (the flow records it).
 */
export async function setUpWarRoom(
  ctx: AppContext,
  incident: IncidentDoc,
  ticket: TicketDoc,
  room: string,
  cardLink: string | undefined,
) {
  const people = [
    incident.roles?.declarer,
    ticket.assignee,
    incident.roles?.commander,
    ...(incident.roles?.oncall ?? []),
  ];
  if (incident.roles?.oncallUsergroup) people.push(...(await groupMembers(ctx, incident.roles.oncallUsergroup)));
  if (ctx.incidents.respondersUsergroup) people.push(...(await groupMembers(ctx, ctx.incidents.respondersUsergroup)));
  const invite = [...new Set(people.filter((u): u is string => !!u && /^[UW][A-Z0-9]+$/.test(u)))];
  if (invite.length) await tolerate(ctx.slack.conversations.invite({ channel: room, users: invite.join(',') }));
  await ctx.slack.conversations.setTopic({
    channel: room,
    topic: incidentTopic(incidentView(incident), ctx.policy.timeZone),
  });
  if (cardLink) await bookmarkCard(ctx, incident, room, cardLink);
  const brief = await renderBrief(ctx, incident, cardLink);
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
  return { channel: posted.result.channel, ts: posted.result.ts };
}

/** The @channel alert in #support, once; returns where it is (the flow records it). */
export async function postIncidentAlert(ctx: AppContext, incident: IncidentDoc, cardLink: string | undefined) {
  const room = incident.channel?.id;
  const base = await workspaceUrl(ctx.slack);
  const alert = incidentAlert(incidentView(incident), {
    ...(room ? { channelUrl: channelUrl(base, room) } : {}),
    ...(cardLink ? { cardLink } : {}),
  });
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
  return { channel: alerted.result.channel, ts: alerted.result.ts };
}

async function bookmarkCard(ctx: AppContext, incident: IncidentDoc, channel: string, link: string): Promise<void> {
  const outcome = await deliverOnce(ctx.models, {
    key: OnceKeys.warRoomBookmark(incident.id),
    kind: 'war-room-bookmark',
    ticketId: incident.ticketId,
    at: ctx.clock.now(),
    deadlineMs: ctx.claimMs,
    mayHaveReached: mayHaveReachedSlack,
    check: async () => {
      const res = await ctx.slack.bookmarks.list({ channel_id: channel });
      const hit = (res.bookmarks ?? []).find((b) => b.link === link);
      return hit?.id ? { id: hit.id } : undefined;
    },
    send: async () => {
      const res = await ctx.slackNoRetry.bookmarks.add({
        channel_id: channel,
        title: `${incident.ticketKey} card`,
        type: 'link',
        link,
      });
      return { id: res.bookmark?.id ?? 'added' };
    },
  });
  if (outcome.status === 'busy') throw new BusyElsewhereError(`another worker is bookmarking ${incident.key}`);
}
