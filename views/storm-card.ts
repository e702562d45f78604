import type { KnownBlock } from '@slack/types';
import type { StormSummary } from '../src/domain/storm-queries.js';
import { PRIORITY_LABELS, type Priority } from '../src/domain/types.js';
import { ActionIds, CallbackIds, InputIds, stormControlsBlockId } from './ids.js';
import { LIMITS, mrkdwn, plain, safe, slackDate, truncate } from './text.js';

export interface StormView {
  id: string;
  label: string;
  status: string;
  priority?: string | null;
  incident?: { key?: string | null } | null;
  actions: Array<{
    kind: string;
    doneAt?: Date | null;
    applied?: number | null;
    skipped?: number | null;
    unverified?: number | null;
    priority?: string | null;
    incident?: { key?: string | null } | null;
  }>;
}

/** The `value` of storm buttons. */
export function stormRef(stormId: string): string {
  return JSON.stringify({ stormId });
}

const ACTION_TEXT: Record<string, string> = {
  reply: 'Reply sent to all',
  priority: 'Priority set for all',
  link: 'Linked to incident',
  split: 'Split into cards',
};

/** One card for the whole storm: the count (updated in place), the first few tickets, the time range, one decision for all. */
export function stormCard(storm: StormView, s: StormSummary): { text: string; blocks: KnownBlock[] } {
  const label = safe(storm.label, 200);
  const title = `:thunder_cloud_and_rain: Ticket storm: ${s.count} similar tickets`;
  const range = s.firstAt && s.lastAt ? `${slackDate(s.firstAt, '{time}')} – ${slackDate(s.lastAt, '{time}')}` : '';
  const lines = s.first.map((t) => `• *${safe(t.key, 20)}* ${safe(t.subject, 120)} — ${safe(t.requester, 120)}`);
  if (s.count > s.first.length) lines.push(`_and ${s.count - s.first.length} more_`);
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(title, LIMITS.header) },
    {
      type: 'section',
      text: mrkdwn(
        `*${label}*\n${range}${range ? ' · ' : ''}${s.grouped} grouped here without cards of their own · each is a full ticket (number, acknowledgement, SLA)`,
      ),
    },
    { type: 'section', text: mrkdwn(lines.join('\n') || '_no tickets yet_') },
  ];
  const decided = [
    ...(storm.priority
      ? [`priority *${PRIORITY_LABELS[storm.priority as Priority] ?? safe(storm.priority, 10)}*`]
      : []),
    ...(storm.incident?.key ? [`linked to *${safe(storm.incident.key, 20)}*`] : []),
  ];
  const history = storm.actions.map((a) => {
    const what = ACTION_TEXT[a.kind] ?? a.kind;
    const detail =
      a.kind === 'priority' && a.priority
        ? ` (${a.priority})`
        : a.kind === 'link' && a.incident?.key
          ? ` (${safe(a.incident.key, 20)})`
          : '';
    return a.doneAt ? `${what}${detail}: ${a.applied ?? 0} tickets${outcomeTail(a)}` : `${what}${detail}: in progress…`;
  });
  if (decided.length || history.length) {
    blocks.push({
      type: 'context',
      elements: [
        mrkdwn(
          truncate(
            [decided.length ? `New tickets of this storm get ${decided.join(' and ')}.` : '', ...history]
              .filter(Boolean)
              .join(' · '),
            3000,
          ),
        ),
      ],
    });
  }
  if (storm.status === 'split') {
    blocks.push({
      type: 'context',
      elements: [
        mrkdwn(':scissors: Split: every ticket of this storm has its own card, and new similar tickets get one too.'),
      ],
    });
  } else {
    blocks.push({
      type: 'actions',
      block_id: stormControlsBlockId(storm.id),
      elements: [
        {
          type: 'button',
          action_id: ActionIds.stormLinkAll,
          text: plain('Link all to incident', LIMITS.button),
          style: 'danger',
          value: stormRef(storm.id),
        },
        {
          type: 'button',
          action_id: ActionIds.stormReplyAll,
          text: plain('Reply to all', LIMITS.button),
          style: 'primary',
          value: stormRef(storm.id),
        },
        {
          type: 'static_select',
          action_id: ActionIds.stormSetPriority,
          placeholder: plain('Set priority for all', LIMITS.option),
          options: (['P1', 'P2', 'P3'] as const).map((p) => ({
            text: plain(PRIORITY_LABELS[p], LIMITS.option),
            value: p,
          })),
        },
        {
          type: 'button',
          action_id: ActionIds.stormSplit,
          text: plain('Split', LIMITS.button),
          value: stormRef(storm.id),
          confirm: {
            title: plain('Split the storm?', 100),
            text: mrkdwn(
              `Every one of the ${s.count} tickets gets its own card in this channel (about one a second), and new similar tickets too.`,
            ),
            confirm: plain('Split', 30),
            deny: plain('Cancel', 30),
          },
        },
      ],
    });
  }
  // The fallback text is what #support's notifications show: escaped like the blocks' copy of the label.
  return { text: truncate(`${title}: ${label}`, LIMITS.fallback), blocks };
}

/** The storm card's thread note once a decision reached every ticket. */
export function stormNoteText(a: StormView['actions'][number], actorId?: string | null): string {
  const who = actorId ? ` by <@${actorId}>` : '';
  const what = ACTION_TEXT[a.kind] ?? a.kind;
  const detail =
    a.kind === 'priority' && a.priority
      ? ` (${a.priority})`
      : a.kind === 'link' && a.incident?.key
        ? ` (${safe(a.incident.key, 20)})`
        : '';
  return `:white_check_mark: ${what}${detail}${who}: ${a.applied ?? 0} tickets${outcomeTail(a)}.`;
}

function outcomeTail(a: StormView['actions'][number]): string {
  const skipped = a.skipped ? `, ${a.skipped} skipped (closed or not linkable)` : '';
  return `${skipped}${a.unverified ? `, ${a.unverified} not emailed: unverified address` : ''}`;
}

export const NEW_INCIDENT = 'new';

/** "Reply to all": one message, one mail per requester threaded on their own ticket. */
export function stormReplyModal(opts: {
  label: string;
  count: number;
  privateMetadata: string;
  /** Requesters left out (unverified addresses): named before the agent sends. */
  unverified?: { addresses: string[]; count: number };
}) {
  const left = opts.unverified?.count ?? 0;
  const named = (opts.unverified?.addresses ?? []).map((a) => safe(a, 100)).join(', ');
  const more =
    left > (opts.unverified?.addresses.length ?? 0) ? ` and ${left - opts.unverified!.addresses.length} more` : '';
  const unverifiedNote: KnownBlock[] = left
    ? [
        {
          type: 'context',
          elements: [
            mrkdwn(
              truncate(
                `:no_entry_sign: Not mailed: unverified (${left}): ${named}${more}. Their address never sent authenticated mail, so Deskbell does not put it on mail to many; answer them one by one from their tickets.`,
                3000,
              ),
            ),
          ],
        },
      ]
    : [];
  return {
    type: 'modal' as const,
    callback_id: CallbackIds.stormReplyModal,
    private_metadata: opts.privateMetadata,
    title: plain('Reply to all', LIMITS.modalTitle),
    submit: plain('Send to all', 24),
    close: plain('Cancel', 24),
    blocks: [
      {
        type: 'section',
        text: mrkdwn(
          `Each of the *${opts.count - left}* verified requesters of *${safe(opts.label, 200)}* gets this by email, in the thread of their own ticket.`,
        ),
      },
      ...unverifiedNote,
      {
        type: 'input',
        block_id: InputIds.stormReplyMessage.block,
        label: plain('Message', 50),
        element: {
          type: 'plain_text_input',
          action_id: InputIds.stormReplyMessage.action,
          multiline: true,
          max_length: 3000,
        },
      },
      {
        type: 'input',
        block_id: InputIds.stormReplyWaiting.block,
        optional: true,
        label: plain('Then', 50),
        element: {
          type: 'checkboxes',
          action_id: InputIds.stormReplyWaiting.action,
          options: [{ text: plain('Wait on the customers (pause their SLA clocks)', 75), value: 'waiting' }],
        },
      },
    ] as KnownBlock[],
  };
}

/** "Link all to incident": an active incident, or declare a new one. */
export function stormLinkModal(opts: {
  label: string;
  count: number;
  incidents: Array<{ id: string; key: string; title: string }>;
  privateMetadata: string;
}) {
  return {
    type: 'modal' as const,
    callback_id: CallbackIds.stormLinkModal,
    private_metadata: opts.privateMetadata,
    title: plain('Link all to incident', LIMITS.modalTitle),
    submit: plain('Link all', 24),
    close: plain('Cancel', 24),
    blocks: [
      {
        type: 'section',
        text: mrkdwn(
          `Links all *${opts.count}* tickets of *${safe(opts.label, 200)}* (and those still to come): their requesters get the incident's updates.`,
        ),
      },
      {
        type: 'input',
        block_id: InputIds.stormLinkIncident.block,
        label: plain('Incident', 50),
        element: {
          type: 'static_select',
          action_id: InputIds.stormLinkIncident.action,
          options: [
            ...opts.incidents
              .slice(0, 99)
              .map((i) => ({ text: plain(`${i.key} ${i.title}`, LIMITS.option), value: i.id })),
            { text: plain('Declare a new P0 incident…', LIMITS.option), value: NEW_INCIDENT },
          ],
        },
      },
      {
        type: 'input',
        block_id: InputIds.stormLinkTitle.block,
        optional: true,
        label: plain('Title of the new incident', 50),
        element: {
          type: 'plain_text_input',
          action_id: InputIds.stormLinkTitle.action,
          max_length: 150,
          initial_value: truncate(opts.label, 150),
        },
      },
    ] as KnownBlock[],
  };
}

/** The line `/support SUP-n` adds for a ticket of a storm. */
export function stormMembershipText(s: { label: string; count: number; grouped: boolean; permalink?: string }): string {
  const card = s.permalink ? `<${s.permalink}|storm card>` : 'storm card';
  return `:thunder_cloud_and_rain: Part of a ticket storm: *${safe(s.label, 150)}* (${s.count} similar tickets)${s.grouped ? `, shown on the ${card} instead of a card of its own` : `; see the ${card}`}.`;
}
