import type { KnownBlock } from '@slack/types';
import type { IncidentFields } from '../src/db/models/incident.js';
import { zonedParts } from '../src/domain/local-time.js';
import { ActionIds } from './ids.js';
import { formatDuration } from './figures.js';
import { LIMITS, mrkdwn, plain, safe, slackDate, truncate, userMention, usergroupMention } from './text.js';

export type IncidentView = Pick<
  IncidentFields,
  'key' | 'ticketKey' | 'title' | 'status' | 'declaredAt' | 'roles' | 'channel' | 'page'
> &
  Partial<Pick<IncidentFields, 'currentStatus' | 'cadence' | 'monitor' | 'resolvedAt' | 'fix' | 'report'>> & {
    id: string;
  };

/** A linked ticket as `/support incident INC-3` lists it (an ephemeral answer to a team member: requester shown). */
export interface LinkedTicketView {
  key: string;
  subject: string;
  status: string;
  requester?: { email?: string | null; name?: string | null } | null;
}

/** A linked ticket as the war room's brief lists it: no requester (anyone in the room reads it). */
export type BriefTicketView = Pick<LinkedTicketView, 'key' | 'subject' | 'status'>;

/** The latest status update, for the brief. */
export interface LatestUpdateView {
  at: Date;
  status: string;
  known: string;
  impact: string;
  nextAt?: Date;
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

function hhmm(at: Date, timeZone: string): string {
  const p = zonedParts(at, timeZone);
  return `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
}

/**
 * The war room's topic (at most 250 characters): `P0 · SUP-123 · INC-7 · commander @x · next update 14:30`, with
 * the latest update's status once it is past investigating, `monitoring until 16:30` while a fix is watched, and
 * `Resolved · … · lasted 1 h 20 min` at the end.
 */
export function incidentTopic(i: IncidentView, timeZone: string): string {
  const commander = i.roles?.commander ? `<@${i.roles.commander}>` : 'nobody yet';
  if (i.status === 'resolved') {
    const lasted = i.resolvedAt ? ` · lasted ${formatDuration(i.resolvedAt.getTime() - i.declaredAt.getTime())}` : '';
    return truncate(`Resolved · ${i.ticketKey} · ${i.key} · commander ${commander}${lasted}`, 250);
  }
  if (i.status === 'monitoring') {
    const until = i.monitor?.until ? ` until ${hhmm(i.monitor.until, timeZone)}` : '';
    return truncate(`P0 · ${i.ticketKey} · ${i.key} · monitoring${until} · commander ${commander}`, 250);
  }
  const next = i.cadence?.dueAt ?? new Date(i.declaredAt.getTime() + UPDATE_CADENCE_MS);
  const status = i.currentStatus && i.currentStatus !== 'investigating' ? ` · ${i.currentStatus}` : '';
  return truncate(
    `P0 · ${i.ticketKey} · ${i.key}${status} · commander ${commander} · next update ${hhmm(next, timeZone)}`,
    250,
  );
}

const STATUS_LINE: Record<string, string> = {
  active: ':red_circle: active',
  monitoring: ':large_yellow_circle: fixed, monitoring',
  resolved: ':white_check_mark: resolved',
};

function linkedSection(linked: BriefTicketView[]): KnownBlock {
  const shown = linked.slice(0, 15).map((t) => {
    const done = ['resolved', 'closed'].includes(t.status) ? ` · _${t.status}_` : '';
    return `• *${t.key}* ${safe(t.subject, 80)}${done}`;
  });
  if (linked.length > 15) shown.push(`_and ${linked.length - 15} more_`);
  return {
    type: 'section',
    text: mrkdwn(
      `*Linked tickets (${linked.length})*\n${shown.join('\n') || '_None yet: link reports of the same problem with `/support link SUP-12` here, or "Link to incident" on their cards._'}`,
    ),
  };
}

function latestSection(u: LatestUpdateView): KnownBlock {
  const next = u.nextAt ? `\n*Next update* ${slackDate(u.nextAt, '{time}')}` : '';
  return {
    type: 'section',
    text: mrkdwn(
      `*Latest update* (${slackDate(u.at, '{time}')}) *[${safe(u.status, 20)}]*\n${safe(u.known, 1200)}\n*Impact* ${safe(u.impact || 'being assessed', 600)}${next}`,
    ),
  };
}

/**
 * The pinned brief in the war room: what happened, who has which role, what to do now, and the controls.
 * Ticket numbers and subjects only: a requester's name, address and words stay on the card, which only the
 * team opens (a war room may have guests, and a public one anyone in the workspace).
 */
export function incidentBrief(
  i: IncidentView,
  opts: { cardLink?: string; linked?: BriefTicketView[]; latest?: LatestUpdateView; cadenceMinutes?: number },
): { text: string; blocks: KnownBlock[] } {
  const value = JSON.stringify({ incidentId: i.id });
  const ack = i.page?.acknowledgedAt
    ? `acknowledged by ${userMention(i.page.acknowledgedBy)} ${slackDate(i.page.acknowledgedAt, '{time}')}`
    : '*not acknowledged yet*';
  const ticket = opts.cardLink ? `<${opts.cardLink}|${i.ticketKey}>` : i.ticketKey;
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(`🚨 ${i.key} · ${i.title}`, LIMITS.header) },
    {
      type: 'section',
      text: mrkdwn(
        `*What happened*\n${ticket}: ${safe(i.title, 300)}\n` +
          `Declared ${slackDate(i.declaredAt)} · the requester and their report are on the ticket's card`,
      ),
    },
    {
      type: 'section',
      fields: [
        mrkdwn(`*Incident commander*\n${userMention(i.roles?.commander)}`),
        mrkdwn(`*On call (paged)*\n${pagedText(i)}\n${ack}`),
        mrkdwn(`*Declared by*\n${i.roles?.declarer ? userMention(i.roles.declarer) : 'monitoring / Deskbell'}`),
        mrkdwn(
          `*Status*\n${STATUS_LINE[i.status] ?? i.status}${i.resolvedAt ? ` · lasted ${formatDuration(i.resolvedAt.getTime() - i.declaredAt.getTime())}` : ''}`,
        ),
      ],
    },
  ];
  if (opts.latest) blocks.push(latestSection(opts.latest));
  blocks.push(linkedSection(opts.linked ?? []));
  const every = opts.cadenceMinutes ?? 30;
  const todo: Record<string, string> = {
    active: `*What to do now*\n1. Commander: confirm you lead (or press *Take command*).\n2. Find the blast radius: who is affected, since when; link their tickets here.\n3. Fix or roll back, then verify and monitor.\n4. Post a status update every ${every} minutes: current status, impact, next update time.`,
    monitoring: `*What to do now*\nWatch that the fix holds${i.monitor?.until ? ` until ${slackDate(i.monitor.until, '{time}')}` : ''}. *Close incident* when it does, *Reopen* if the problem is back.`,
    resolved: `*What to do now*\nWrite the incident report${i.report?.dueAt && !i.report.submittedAt ? ` by ${slackDate(i.report.dueAt)}` : ''}: impact, root cause, resolution, prevention.${i.report?.submittedAt ? ' _Report submitted; edit it with *Write report*._' : ''}`,
  };
  blocks.push({ type: 'section', text: mrkdwn(todo[i.status] ?? todo.active!) });
  const button = (id: string, label: string, style?: 'primary' | 'danger') => ({
    type: 'button',
    action_id: id,
    text: plain(label, LIMITS.button),
    value,
    ...(style ? { style } : {}),
  });
  const controls: Record<string, unknown[]> = {
    active: [
      button(ActionIds.incidentTakeCommand, 'Take command', 'primary'),
      button(ActionIds.incidentPostUpdate, 'Post update'),
      button(ActionIds.incidentResolve, 'Resolve', 'danger'),
    ],
    monitoring: [
      button(ActionIds.incidentTakeCommand, 'Take command'),
      button(ActionIds.incidentPostUpdate, 'Post update'),
      button(ActionIds.incidentClose, 'Close incident', 'primary'),
      button(ActionIds.incidentReopen, 'Reopen', 'danger'),
    ],
    resolved: [button(ActionIds.incidentWriteReport, 'Write report', 'primary')],
  };
  blocks.push({ type: 'actions', elements: controls[i.status] ?? controls.active! } as KnownBlock);
  return {
    text: truncate(
      `${i.key} (P0): ${safe(i.title, 300)}. Commander ${userMention(i.roles?.commander)}.`,
      LIMITS.fallback,
    ),
    blocks,
  };
}

/** The @channel alert in #support: Deskbell's own words; the subject is escaped like all requester text. */
export function incidentAlert(
  i: IncidentView,
  opts: { channelUrl?: string; cardLink?: string },
): { text: string; blocks: KnownBlock[] } {
  const ticket = opts.cardLink ? `<${opts.cardLink}|${i.ticketKey}>` : i.ticketKey;
  const room = i.channel?.id
    ? channelLink(i.channel.id)
    : `_no war room (${safe(i.channel?.error ?? 'not opened', 100)})_`;
  const line = `<!channel> :rotating_light: *P0 ${i.key}* declared for ${ticket}: ${safe(i.title, 300)}`;
  const detail = `War room: ${room} · Commander: ${userMention(i.roles?.commander)} · Paged: ${pagedText(i)}`;
  const blocks: KnownBlock[] = [{ type: 'section', text: mrkdwn(`${line}\n${detail}`) }];
  if (opts.channelUrl) {
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: ActionIds.incidentJoin,
          text: plain('Join war room', LIMITS.button),
          url: opts.channelUrl,
          style: 'danger',
        },
      ],
    } as KnownBlock);
  }
  return { text: truncate(`${line} ${detail}`, LIMITS.fallback), blocks };
}

/** The page DM to an on-call engineer, with an Acknowledge button. */
export function pageMessage(
  i: IncidentView,
  opts: { round: number; escalated: boolean; channelUrl?: string },
): { text: string; blocks: KnownBlock[] } {
  const again = opts.round > 0 ? ` (page ${opts.round + 1}: still not acknowledged)` : '';
  const line = `:rotating_light: *You are paged for P0 ${i.key}*${again}: ${safe(i.title, 300)}`;
  const room = i.channel?.id
    ? `War room: ${channelLink(i.channel.id)}`
    : 'No war room could be opened; coordinate in #support.';
  const blocks: KnownBlock[] = [
    { type: 'section', text: mrkdwn(`${line}\n${room} · Commander: ${userMention(i.roles?.commander)}`) },
    {
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: ActionIds.incidentAcknowledge,
          text: plain('Acknowledge', LIMITS.button),
          value: JSON.stringify({ incidentId: i.id }),
          style: 'primary',
        },
        ...(opts.channelUrl
          ? [
              {
                type: 'button',
                action_id: ActionIds.incidentJoin,
                text: plain('Join war room', LIMITS.button),
                url: opts.channelUrl,
              },
            ]
          : []),
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
export function incidentNoteText(
  i: Pick<IncidentView, 'key' | 'roles'>,
  e: NoteEvent,
  extra: { paged?: string[] } = {},
): string {
  const d = (e.data ?? {}) as Record<string, string | number | boolean | null | undefined>;
  switch (e.kind) {
    case 'paged': {
      const who = (extra.paged ?? [])
        .map(userMention)
        .concat(i.roles?.oncallUsergroup ? [usergroupMention(i.roles.oncallUsergroup)] : []);
      return `:pager: Paging ${who.join(', ') || 'on call'} for ${i.key}${Number(d.round) > 0 ? ` (repeat ${d.round}: not acknowledged yet)` : ''}.`;
    }
    case 'page_escalated':
      return `:rotating_light: ${i.key} is still not acknowledged: paging the secondary ${d.secondary ? userMention(String(d.secondary)) : '(none)'} and the leads ${d.leads ? usergroupMention(String(d.leads)) : ''}.`.replace(
        / +\./,
        '.',
      );
    case 'page_acknowledged':
      return `:white_check_mark: ${userMention(d.by ? String(d.by) : undefined)} acknowledged the page for ${i.key}.`;
    case 'commander_changed':
      return `:crown: ${userMention(String(d.to))} took command of ${i.key}${d.from ? ` from ${userMention(String(d.from))}` : ''}.`;
    case 'ticket_linked':
      return `:link: ${safe(String(d.ticket), 20)} linked to ${i.key}: its requester gets the mailed updates.`;
    case 'storm_linked':
      return `:link: ${Number(d.count)} tickets of the storm "${safe(String(d.storm ?? ''), 150)}" linked to ${i.key}: their requesters get the mailed updates.`;
    case 'ticket_unlinked':
      return `:link: ${safe(String(d.ticket), 20)} unlinked from ${i.key}${d.to ? ` (moved to ${safe(String(d.to), 20)})` : ''}.`;
    case 'closed':
      return `:white_check_mark: ${i.key} closed by ${userMention(e.actor?.id)}: the fix held. The incident report is next.`;
    case 'reopened':
      return `:rotating_light: ${i.key} reopened by ${userMention(e.actor?.id)}: the problem is back. Status updates are due again.`;
    case 'report_submitted':
      return `:page_facing_up: Incident report for ${i.key} submitted by ${userMention(e.actor?.id)} (revision ${Number(d.revision)}).`;
    default:
      return `${i.key}: ${e.kind.replace(/_/g, ' ')}`;
  }
}

/** What the card's thread says about the war room (opened, or why not and how to fix it). */
export function warRoomNote(i: Pick<IncidentView, 'key' | 'channel'>, hint?: string): string {
  if (i.channel?.id)
    return `:rotating_light: ${i.key}: war room ${channelLink(i.channel.id)} is open; the alert is in this channel and on-call is paged.`;
  return `:warning: ${i.key}: the war room could not be opened (${safe(i.channel?.error ?? 'unknown error', 200)}).${hint ? ` ${hint}` : ''} The alert and the pages went out anyway.`;
}
