import type { KnownBlock } from '@slack/types';
import type { IncidentFields } from '../src/db/models/incident.js';
import { zonedParts } from '../src/domain/sla-clock.js';
import { ActionIds } from './ids.js';
import { LIMITS, mrkdwn, plain, safe, slackDate, truncate, userMention, usergroupMention, requesterText } from './text.js';

export type IncidentView = Pick<IncidentFields, 'key' | 'ticketKey' | 'title' | 'status' | 'declaredAt' | 'roles' | 'channel' | 'page'> & { id: string };
export interface IncidentTicketView {
  requester?: { email?: string | null; name?: string | null } | null;
  body?: string | null;
}

/** PRODUCT.md: status updates every 30 minutes until resolved. */
export const UPDATE_CADENCE_MS = 30 * 60_000;

export function channelLink(id: string | null | undefined): string {
  return id ? `<#${id}>` : '_no war room_';
}

/** Everyone paged: the on-call people by name, or their user group. */
export function pagedText(i: Pick<IncidentView, 'roles'>): string {
  const people = (i.roles?.oncall ?? []).map((u) => userMention(u));
  if (i.roles?.oncallUsergroup) people.push(usergroupMention(i.roles.oncallUsergroup));
  return people.join(', ') || '_nobody is on call: set ONCALL_FILE or ONCALL_USERGROUP_';
}

/** `P0 · SUP-123 · commander @x · next update 14:30` (the war room's topic; at most 250 characters). */
export function incidentTopic(i: IncidentView, timeZone: string): string {
  const next = zonedParts(new Date(i.declaredAt.getTime() + UPDATE_CADENCE_MS), timeZone);
  const hhmm = `${String(next.hour).padStart(2, '0')}:${String(next.minute).padStart(2, '0')}`;
  const commander = i.roles?.commander ? `<@${i.roles.commander}>` : 'nobody yet';
  return truncate(`P0 · ${i.ticketKey} · ${i.key} · commander ${commander} · next update ${hhmm}`, 250);
}

/** The pinned brief in the war room: what happened, who has which role, what to do now, and the controls. */
export function incidentBrief(i: IncidentView, t: IncidentTicketView, opts: { cardLink?: string }): { text: string; blocks: KnownBlock[] } {
  const value = JSON.stringify({ incidentId: i.id });
  const requester = requesterText(t.requester, 'unknown');
  const body = (t.body ?? '').trim();
  const impact = body ? `>${safe(body.slice(0, 500), 1200).replace(/\n/g, '\n>')}` : '_not known yet_';
  const ack = i.page?.acknowledgedAt ? `acknowledged by ${userMention(i.page.acknowledgedBy)} ${slackDate(i.page.acknowledgedAt, '{time}')}` : '*not acknowledged yet*';
  const ticket = opts.cardLink ? `<${opts.cardLink}|${i.ticketKey}>` : i.ticketKey;
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(`🚨 ${i.key} · ${i.title}`, LIMITS.header) },
    { type: 'section', text: mrkdwn(`*What happened*\n${ticket}: ${safe(i.title, 300)}\n*Reported by* ${requester} · declared ${slackDate(i.declaredAt)}\n*Impact as far as known*\n${impact}`) },
    {
      type: 'section',
      fields: [
        mrkdwn(`*Incident commander*\n${userMention(i.roles?.commander)}`),
        mrkdwn(`*On call (paged)*\n${pagedText(i)}\n${ack}`),
        mrkdwn(`*Declared by*\n${i.roles?.declarer ? userMention(i.roles.declarer) : 'monitoring / Deskbell'}`),
        mrkdwn(`*Status*\n${i.status === 'active' ? ':red_circle: active' : ':white_check_mark: resolved'}`),
      ],
    },
    {
      type: 'section',
      text: mrkdwn(
        '*What to do now*\n1. Commander: confirm you lead (or press *Take command*).\n2. Find the blast radius: who is affected, since when.\n3. Fix or roll back, then verify and monitor.\n4. Post a status update every 30 minutes: current status, impact, next update time.',
      ),
    },
    {
      type: 'actions',
      elements: [
        { type: 'button', action_id: ActionIds.incidentTakeCommand, text: plain('Take command', LIMITS.button), value, style: 'primary' },
        { type: 'button', action_id: ActionIds.incidentPostUpdate, text: plain('Post update', LIMITS.button), value },
        { type: 'button', action_id: ActionIds.incidentResolve, text: plain('Resolve', LIMITS.button), value, style: 'danger' },
      ],
    } as KnownBlock,
  ];
  return { text: truncate(`${i.key} (P0): ${safe(i.title, 300)}. Commander ${userMention(i.roles?.commander)}.`, LIMITS.fallback), blocks };
}

/** The @channel alert in #support: Deskbell's own words; the subject is escaped like all requester text. */
export function incidentAlert(i: IncidentView, opts: { channelUrl?: string; cardLink?: string }): { text: string; blocks: KnownBlock[] } {
  const ticket = opts.cardLink ? `<${opts.cardLink}|${i.ticketKey}>` : i.ticketKey;
  const room = i.channel?.id ? channelLink(i.channel.id) : `_no war room (${safe(i.channel?.error ?? 'not opened', 100)})_`;
  const line = `<!channel> :rotating_light: *P0 ${i.key}* declared for ${ticket}: ${safe(i.title, 300)}`;
  const detail = `War room: ${room} · Commander: ${userMention(i.roles?.commander)} · Paged: ${pagedText(i)}`;
  const blocks: KnownBlock[] = [{ type: 'section', text: mrkdwn(`${line}\n${detail}`) }];
  if (opts.channelUrl) {
    blocks.push({ type: 'actions', elements: [{ type: 'button', action_id: ActionIds.incidentJoin, text: plain('Join war room', LIMITS.button), url: opts.channelUrl, style: 'danger' }] } as KnownBlock);
  }
  return { text: truncate(`${line} ${detail}`, LIMITS.fallback), blocks };
}

/** The page DM to an on-call engineer, with an Acknowledge button. */
export function pageMessage(i: IncidentView, opts: { round: number; escalated: boolean; channelUrl?: string }): { text: string; blocks: KnownBlock[] } {
  const again = opts.round > 0 ? ` (page ${opts.round + 1}: still not acknowledged)` : '';
  const line = `:rotating_light: *You are paged for P0 ${i.key}*${again}: ${safe(i.title, 300)}`;
  const room = i.channel?.id ? `War room: ${channelLink(i.channel.id)}` : 'No war room could be opened; coordinate in #support.';
  const blocks: KnownBlock[] = [
    { type: 'section', text: mrkdwn(`${line}\n${room} · Commander: ${userMention(i.roles?.commander)}`) },
    {
      type: 'actions',
      elements: [
        { type: 'button', action_id: ActionIds.incidentAcknowledge, text: plain('Acknowledge', LIMITS.button), value: JSON.stringify({ incidentId: i.id }), style: 'primary' },
        ...(opts.channelUrl ? [{ type: 'button', action_id: ActionIds.incidentJoin, text: plain('Join war room', LIMITS.button), url: opts.channelUrl }] : []),
      ],
    } as KnownBlock,
  ];
  return { text: truncate(`${line} ${room}`, LIMITS.fallback), blocks };
}

interface NoteEvent {
  kind: string;
  data?: unknown;
  actor?: { id?: string | null } | null;
}

/** An incident event as it reads in the war room. */
export function incidentNoteText(i: Pick<IncidentView, 'key' | 'roles'>, e: NoteEvent, extra: { paged?: string[] } = {}): string {
  const d = (e.data ?? {}) as Record<string, string | number | boolean | null | undefined>;
  switch (e.kind) {
    case 'paged': {
      const who = (extra.paged ?? []).map(userMention).concat(i.roles?.oncallUsergroup ? [usergroupMention(i.roles.oncallUsergroup)] : []);
      return `:pager: Paging ${who.join(', ') || 'on call'} for ${i.key}${Number(d.round) > 0 ? ` (repeat ${d.round}: not acknowledged yet)` : ''}.`;
    }
    case 'page_escalated':
      return `:rotating_light: ${i.key} is still not acknowledged: paging the secondary ${d.secondary ? userMention(String(d.secondary)) : '(none)'} and the leads ${d.leads ? usergroupMention(String(d.leads)) : ''}.`.replace(/ +\./, '.');
    case 'page_acknowledged':
      return `:white_check_mark: ${userMention(d.by ? String(d.by) : undefined)} acknowledged the page for ${i.key}.`;
    case 'commander_changed':
      return `:crown: ${userMention(String(d.to))} took command of ${i.key}${d.from ? ` from ${userMention(String(d.from))}` : ''}.`;
    default:
      return `${i.key}: ${e.kind.replace(/_/g, ' ')}`;
  }
}

/** What the card's thread says about the war room (opened, or why not and how to fix it). */
export function warRoomNote(i: Pick<IncidentView, 'key' | 'channel'>, hint?: string): string {
  if (i.channel?.id) return `:rotating_light: ${i.key}: war room ${channelLink(i.channel.id)} is open; the alert is in this channel and on-call is paged.`;
  return `:warning: ${i.key}: the war room could not be opened (${safe(i.channel?.error ?? 'unknown error', 200)}).${hint ? ` ${hint}` : ''} The alert and the pages went out anyway.`;
}
