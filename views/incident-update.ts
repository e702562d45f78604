import type { KnownBlock, View } from '@slack/types';
import type { UpdateData, UpdateStatus } from '../src/domain/incidents/updates.js';
import { STATUS_WORDS, UPDATE_STATUSES } from '../src/domain/incidents/updates.js';
import { ActionIds, CallbackIds, InputIds } from './ids.js';
import { channelLink, type IncidentView } from './incident.js';
import { LIMITS, mrkdwn, plain, safe, slackDate, truncate, userMention, usergroupMention } from './text.js';
import { formModal } from './modal.js';
import { formatDuration } from './figures.js';

export const UPDATE_TEXT_MAX = 2000;
const STATUS_EMOJI: Record<UpdateStatus, string> = {
  investigating: ':mag:',
  identified: ':dart:',
  monitoring: ':eyes:',
  resolved: ':white_check_mark:',
};

function statusOption(s: UpdateStatus) {
  return { text: plain(STATUS_WORDS[s], LIMITS.option), value: s };
}

/** "Post update": status, what is known, impact, next update in (minutes), email the affected requesters, public. Pure. */
export function incidentUpdateModal(input: {
  incident: Pick<IncidentView, 'key' | 'title' | 'currentStatus'>;
  lastImpact?: string;
  defaultMinutes: number;
  /** Open tickets whose requesters would be mailed. */
  affected: number;
  /** Of those, requesters left out of mail to many (unverified address). */
  unverified?: number;
  statusPage: boolean;
  privateMetadata: string;
}): View {
  const current = (input.incident.currentStatus ?? 'investigating') as UpdateStatus;
  const options = [
    {
      text: plain(
        `Email the affected requesters (${input.affected} ticket${input.affected === 1 ? '' : 's'})`,
        LIMITS.option,
      ),
      value: 'email',
      description: plain(
        unverifiedNote(input.unverified) ?? 'One mail each, on their own ticket; nobody sees the others',
        LIMITS.option,
      ),
    },
    ...(input.statusPage
      ? [
          {
            text: plain('Show on the public status page', LIMITS.option),
            value: 'public',
            description: plain('Status, what is known and impact only', LIMITS.option),
          },
        ]
      : []),
  ];
  const blocks: KnownBlock[] = [
    { type: 'section', text: mrkdwn(`*${input.incident.key}* · ${safe(input.incident.title, 200)}`) },
    {
      type: 'input',
      block_id: InputIds.updateStatus.block,
      label: plain('Status', 100),
      element: {
        type: 'static_select',
        action_id: InputIds.updateStatus.action,
        options: UPDATE_STATUSES.map(statusOption),
        initial_option: statusOption(current === 'resolved' ? 'investigating' : current),
      },
      hint: plain('Resolved ends the incident (as Resolve does, without monitoring).', 150),
    },
    {
      type: 'input',
      block_id: InputIds.updateKnown.block,
      label: plain('Current status: what is known', 100),
      element: {
        type: 'plain_text_input',
        action_id: InputIds.updateKnown.action,
        multiline: true,
        max_length: UPDATE_TEXT_MAX,
        placeholder: plain('What we know, what we are doing', 150),
      },
    },
    {
      type: 'input',
      block_id: InputIds.updateImpact.block,
      label: plain('Impact', 100),
      element: {
        type: 'plain_text_input',
        action_id: InputIds.updateImpact.action,
        multiline: true,
        max_length: UPDATE_TEXT_MAX,
        ...(input.lastImpact ? { initial_value: input.lastImpact.slice(0, UPDATE_TEXT_MAX) } : {}),
        placeholder: plain('Who is affected, how badly', 150),
      },
    },
    {
      type: 'input',
      block_id: InputIds.updateNext.block,
      label: plain('Next update in (minutes)', 100),
      element: {
        type: 'number_input',
        action_id: InputIds.updateNext.action,
        is_decimal_allowed: true,
        min_value: '0.1',
        max_value: '1440',
        initial_value: String(input.defaultMinutes),
      },
    },
    {
      type: 'input',
      block_id: InputIds.updateOptions.block,
      optional: true,
      label: plain('Also', 100),
      element: { type: 'checkboxes', action_id: InputIds.updateOptions.action, options },
    },
  ] as KnownBlock[];
  return {
    ...formModal({
      callbackId: CallbackIds.incidentUpdateModal,
      privateMetadata: input.privateMetadata,
      title: `Update ${input.incident.key}`,
      submit: 'Post update',
    }),
    blocks,
  };
}

/** "Resolve": what fixed it, monitor first, resolve the linked tickets too (and how their requesters verify), public. Pure. */
/** The confirmation's word on requesters mail to many leaves out (src/domain/bulk-mail.ts). */
function unverifiedNote(unverified: number | undefined): string | undefined {
  return unverified ? `Not mailed: unverified (${unverified}); the thread of each ticket says so` : undefined;
}

export function incidentResolveModal(input: {
  incident: Pick<IncidentView, 'key' | 'title'>;
  monitorMinutes: number;
  affected: number;
  unverified?: number;
  statusPage: boolean;
  privateMetadata: string;
}): View {
  const monitor = {
    text: plain(`Monitor for ${formatDuration(input.monitorMinutes * 60_000)} first`, LIMITS.option),
    value: 'monitor',
    description: plain('Deskbell asks the commander to close it then', LIMITS.option),
  };
  const options = [
    monitor,
    {
      text: plain(`Resolve the linked tickets too (${input.affected})`, LIMITS.option),
      value: 'tickets',
      description: plain(
        unverifiedNote(input.unverified) ?? 'Each requester gets the usual resolution mail and survey',
        LIMITS.option,
      ),
    },
    ...(input.statusPage
      ? [{ text: plain('Show the all-clear on the public status page', LIMITS.option), value: 'public' }]
      : []),
  ];
  const blocks = [
    {
      type: 'section',
      text: mrkdwn(
        `*${input.incident.key}* · ${safe(input.incident.title, 200)}\nResolving sends the all-clear to #support and the war room, stops pages and update reminders, and starts the incident report's clock.`,
      ),
    },
    {
      type: 'input',
      block_id: InputIds.resolveFix.block,
      label: plain('What fixed it', 100),
      element: {
        type: 'plain_text_input',
        action_id: InputIds.resolveFix.action,
        multiline: true,
        max_length: UPDATE_TEXT_MAX,
        placeholder: plain('Rolled back release 2026.03.1…', 150),
      },
    },
    {
      type: 'input',
      block_id: InputIds.resolveOptions.block,
      optional: true,
      label: plain('Options', 100),
      element: { type: 'checkboxes', action_id: InputIds.resolveOptions.action, options, initial_options: [monitor] },
    },
    {
      type: 'input',
      block_id: InputIds.resolveTicketsVerify.block,
      optional: true,
      label: plain('How requesters can check it works', 100),
      hint: plain('Needed when resolving the linked tickets: their resolution mails carry it.', 150),
      element: {
        type: 'plain_text_input',
        action_id: InputIds.resolveTicketsVerify.action,
        multiline: true,
        max_length: UPDATE_TEXT_MAX,
      },
    },
  ] as KnownBlock[];
  return {
    ...formModal({
      callbackId: CallbackIds.incidentResolveModal,
      privateMetadata: input.privateMetadata,
      title: `Resolve ${input.incident.key}`,
      submit: 'Resolve',
    }),
    blocks,
  };
}

/**
 * A status update in the layout of the status template: `[Status] Service update`, current status, impact,
 * next update. Agent text is escaped like all free text.
 */
export function incidentUpdateMessage(
  i: Pick<IncidentView, 'key' | 'title'>,
  d: UpdateData,
  opts: { by?: string | null; mailed?: boolean },
): { text: string; blocks: KnownBlock[] } {
  const word = STATUS_WORDS[d.status];
  const next = d.nextAt
    ? slackDate(new Date(d.nextAt), '{date_short_pretty} {time}')
    : d.resolution?.monitorUntil
      ? `none planned; monitoring until ${slackDate(new Date(d.resolution.monitorUntil), '{time}')}`
      : d.status === 'resolved'
        ? 'none: this incident is resolved'
        : 'none planned while the fix is monitored';
  const notes = [
    `Posted by ${userMention(opts.by)}`,
    ...(d.email ? ['requesters of the linked tickets are emailed'] : []),
    ...(d.public ? ['shown on the public status page'] : []),
  ];
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(`${STATUS_EMOJI[d.status]} [${word}] Service update · ${i.key}`, LIMITS.header) },
    { type: 'section', text: mrkdwn(`*Current status*\n${safe(d.known, 2800)}`) },
    { type: 'section', text: mrkdwn(`*Impact*\n${safe(d.impact || 'Being assessed.', 2800)}`) },
    { type: 'section', text: mrkdwn(`*Next update*\n${next}`) },
    { type: 'context', elements: [mrkdwn(notes.join(' · '))] },
  ];
  return { text: truncate(`[${word}] Service update · ${i.key}: ${safe(d.known, 500)}`, LIMITS.fallback), blocks };
}

/** The all-clear in #support: no @channel (the alert had one); says what fixed it and where the report will be. */
export function allClearMessage(
  i: Pick<IncidentView, 'key' | 'ticketKey' | 'title' | 'declaredAt' | 'channel'>,
  d: UpdateData,
  opts: { resolvedAt: Date; reportDueAt?: Date; cardLink?: string },
): { text: string; blocks: KnownBlock[] } {
  const ticket = opts.cardLink ? `<${opts.cardLink}|${i.ticketKey}>` : i.ticketKey;
  const monitoring = d.resolution?.monitor;
  const head = monitoring
    ? `:large_yellow_circle: *${i.key} is fixed* (${ticket}: ${safe(i.title, 200)}): monitoring${d.resolution?.monitorUntil ? ` until ${slackDate(new Date(d.resolution.monitorUntil), '{time}')}` : ''}.`
    : `:white_check_mark: *All clear: ${i.key} is resolved* (${ticket}: ${safe(i.title, 200)}).`;
  const lines = [
    head,
    `*What fixed it:* ${safe(d.resolution?.fix ?? d.known, 1500)}`,
    `Duration ${formatDuration(opts.resolvedAt.getTime() - i.declaredAt.getTime())} · war room ${channelLink(i.channel?.id)}${opts.reportDueAt ? ` · incident report due ${slackDate(opts.reportDueAt)}` : ''}`,
  ];
  return {
    text: truncate(lines.join('\n'), LIMITS.fallback),
    blocks: [{ type: 'section', text: mrkdwn(lines.join('\n')) }],
  };
}

const incidentValue = (i: { id: string }) => JSON.stringify({ incidentId: i.id });

/** The clock's reminders (see src/domain/incidents/clock.ts), in the war room unless said otherwise. */
export function reminderMessage(
  i: Pick<IncidentView, 'id' | 'key' | 'roles' | 'report'>,
  kind: string,
  opts: { at: Date; round: number; leads?: string; cadenceMinutes: number },
): { text: string; blocks: KnownBlock[] } {
  const commander = userMention(i.roles?.commander);
  const update = {
    type: 'button',
    action_id: ActionIds.incidentPostUpdate,
    text: plain('Post update', LIMITS.button),
    value: incidentValue(i),
    style: 'primary',
  };
  const report = {
    type: 'button',
    action_id: ActionIds.incidentWriteReport,
    text: plain('Write report', LIMITS.button),
    value: incidentValue(i),
    style: 'primary',
  };
  let text: string;
  let buttons: unknown[] = [];
  switch (kind) {
    case 'update_reminder':
      text = `:alarm_clock: ${commander}: the next status update on ${i.key} is due ${slackDate(opts.at, '{time}')}.`;
      buttons = [update];
      break;
    case 'update_overdue': {
      const late = opts.round > 0 ? ` (${formatDuration(opts.round * opts.cadenceMinutes * 60_000)} late)` : '';
      text =
        `:rotating_light: ${commander} ${usergroupMention(opts.leads)}: the status update on ${i.key} was due ${slackDate(opts.at, '{time}')} and none came${late}. Post one: current status, impact, next update.`.replace(
          / +:/,
          ':',
        );
      buttons = [update];
      break;
    }
    case 'monitor_end':
      text = `:eyes: ${commander}: ${i.key} has been monitored since the fix and nothing reopened it. Close it when it holds, or reopen it if the problem is back.`;
      buttons = [
        {
          type: 'button',
          action_id: ActionIds.incidentClose,
          text: plain('Close incident', LIMITS.button),
          value: incidentValue(i),
          style: 'primary',
        },
        {
          type: 'button',
          action_id: ActionIds.incidentReopen,
          text: plain('Reopen', LIMITS.button),
          value: incidentValue(i),
          style: 'danger',
        },
      ];
      break;
    case 'report_half':
    case 'report_late':
      text = `:page_facing_up: ${commander}: the incident report on ${i.key} is due ${slackDate(opts.at)}${kind === 'report_late' ? ' — soon' : ' (half the time has passed)'}.`;
      buttons = [report];
      break;
    case 'report_overdue':
      text =
        `:warning: ${usergroupMention(opts.leads)} ${commander}: the incident report on ${i.key} was due ${slackDate(opts.at)} and is not written.`.replace(
          /^(:warning:) +/,
          '$1 ',
        );
      buttons = [report];
      break;
    default:
      text = `${i.key}: ${kind.replace(/_/g, ' ')}`;
  }
  const blocks: KnownBlock[] = [
    { type: 'section', text: mrkdwn(text) },
    ...(buttons.length ? [{ type: 'actions', elements: buttons } as KnownBlock] : []),
  ];
  return { text: truncate(text, LIMITS.fallback), blocks };
}
