import type { KnownBlock, View } from '@slack/types';
import type { IncidentRow } from '../src/domain/incidents/overview.js';
import { CallbackIds, InputIds } from './ids.js';
import { channelLink, type LinkedTicketView } from './incident.js';
import { LIMITS, mrkdwn, plain, safe, slackDate, userMention } from './text.js';
import { formModal } from './modal.js';
import { formatDuration } from './figures.js';

const STATUS_EMOJI: Record<string, string> = {
  active: ':red_circle:',
  monitoring: ':large_yellow_circle:',
  resolved: ':white_check_mark:',
};

/** One incident on one line: status, commander, age, linked tickets, next update due, report due. */
export function incidentLine(r: IncidentRow, now: Date): string {
  const parts = [
    `${STATUS_EMOJI[r.status] ?? ''} *${r.key}* ${r.status === 'active' ? r.currentStatus : r.status}`,
    safe(r.title, 100),
    `commander ${userMention(r.commander)}`,
  ];
  if (r.status === 'resolved' && r.resolvedAt)
    parts.push(`lasted ${formatDuration(r.resolvedAt.getTime() - r.declaredAt.getTime())}`);
  else parts.push(`declared ${slackDate(r.declaredAt, '{ago}')}`);
  parts.push(`${r.linked} linked`);
  if (r.nextUpdateAt)
    parts.push(
      `${r.nextUpdateAt < now ? ':rotating_light: update was due' : 'next update'} ${slackDate(r.nextUpdateAt, '{time}')}`,
    );
  if (r.monitorUntil) parts.push(`monitoring until ${slackDate(r.monitorUntil, '{time}')}`);
  if (r.reportSubmittedAt) parts.push('report written');
  else if (r.reportDueAt)
    parts.push(`${r.reportDueAt < now ? ':warning: report overdue since' : 'report due'} ${slackDate(r.reportDueAt)}`);
  if (r.channelId) parts.push(channelLink(r.channelId));
  return `• ${parts.join(' · ')}`;
}

/** `/support incidents`: active incidents, then the ones resolved in the last week. */
export function incidentsListText(
  live: { rows: IncidentRow[]; total: number },
  recent: { rows: IncidentRow[]; total: number },
  now: Date,
): string {
  const block = (title: string, page: { rows: IncidentRow[]; total: number }, empty: string) => {
    if (!page.rows.length) return `*${title}*\n_${empty}_`;
    const more = page.total - page.rows.length;
    return `*${title}* (${page.total})\n${page.rows.map((r) => incidentLine(r, now)).join('\n')}${more > 0 ? `\n_and ${more} more_` : ''}`;
  };
  return [block('Active incidents', live, 'None. :tada:'), block('Resolved in the last 7 days', recent, 'None.')].join(
    '\n\n',
  );
}

/** `/support incident INC-3`: the incident, its own ticket and every linked ticket with its requester. */
export function incidentDetailText(
  r: IncidentRow,
  own: LinkedTicketView | undefined,
  linked: LinkedTicketView[],
  now: Date,
): string {
  const requester = (t: LinkedTicketView) =>
    t.requester?.name
      ? `${safe(t.requester.name, 60)} (${safe(t.requester.email, 100)})`
      : safe(t.requester?.email ?? 'unknown', 100);
  const lines = [
    incidentLine(r, now).replace(/^• /, ''),
    `Declared ${slackDate(r.declaredAt)}${r.resolvedAt ? ` · resolved ${slackDate(r.resolvedAt)}` : ''}`,
  ];
  if (own) lines.push(`*Its ticket* ${own.key} · ${safe(own.subject, 100)} · ${requester(own)}`);
  lines.push(`*Linked tickets (${linked.length})*`);
  lines.push(
    ...(linked.length
      ? linked.slice(0, 25).map((t) => `• ${t.key} · ${safe(t.subject, 80)} · ${requester(t)} · ${t.status}`)
      : ['_none_']),
  );
  if (linked.length > 25) lines.push(`_and ${linked.length - 25} more_`);
  return lines.join('\n');
}

/** The App Home's top: active incidents first, since nothing else matters as much. */
export function homeIncidentBlocks(live: { rows: IncidentRow[]; total: number }, now: Date): KnownBlock[] {
  if (!live.rows.length) return [];
  const more = live.total - live.rows.length;
  return [
    { type: 'header', text: plain(`🚨 Active incidents (${live.total})`, 150) },
    ...live.rows.map((r) => ({ type: 'section', text: mrkdwn(incidentLine(r, now)) }) as KnownBlock),
    ...(more > 0
      ? [{ type: 'context', elements: [mrkdwn(`and ${more} more: \`/support incidents\``)] } as KnownBlock]
      : []),
    { type: 'divider' },
  ];
}

/** "Link to incident" on a card: choose among the active incidents. Pure. */
export function linkIncidentModal(input: {
  ticket: { key: string; subject: string };
  incidents: Array<{ id: string; key: string; title: string }>;
  current?: string;
  privateMetadata: string;
}): View {
  const option = (i: { id: string; key: string; title: string }) => ({
    text: plain(`${i.key} · ${i.title}`, LIMITS.option),
    value: i.id,
  });
  const initial = input.incidents.find((i) => i.id === input.current);
  return {
    ...formModal({
      callbackId: CallbackIds.linkIncidentModal,
      privateMetadata: input.privateMetadata,
      title: `Link ${input.ticket.key}`,
      submit: 'Link',
    }),
    blocks: [
      {
        type: 'section',
        text: mrkdwn(
          `*${input.ticket.key}* · ${safe(input.ticket.subject, 200)}\nIts requester will get the incident's mailed updates, and the card shows the war room.`,
        ),
      },
      {
        type: 'input',
        block_id: InputIds.linkIncident.block,
        label: plain('Incident', 100),
        element: {
          type: 'static_select',
          action_id: InputIds.linkIncident.action,
          options: input.incidents.slice(0, 100).map(option),
          ...(initial ? { initial_option: option(initial) } : {}),
        },
      },
    ] as KnownBlock[],
  };
}
