import type { KnownBlock } from '@slack/types';
import type { BugReport } from '../src/domain/bug-report.js';
import { BUG_TEXT_MAX, BUG_TITLE_MAX } from '../src/domain/bug-report.js';
import { bugName } from '../src/domain/bug-queries.js';
import { TRACKER_LABELS } from '../src/domain/bug-refs.js';
import { ActionIds, CallbackIds, InputIds } from './ids.js';
import { formModal } from './modal.js';
import { LIMITS, mrkdwn, plain, safe } from './text.js';

/** What a card knows of its ticket's bug (the ticket's `bug`). */
export interface CardBug {
  tracker?: string | null;
  key?: string | null;
  url?: string | null;
  state?: string | null;
  round?: number | null;
  toldRound?: number | null;
}

const STATE_WORDS: Record<string, string> = {
  filing: 'being filed…',
  open: 'open',
  fixed: ':white_check_mark: fixed',
  closed: 'closed without a fix',
  failed: 'not filed',
};

/** A tracker's URL as a Slack link: only http(s), and nothing that would end the link early. */
function link(url: string | null | undefined, text: string): string {
  return url && /^https?:\/\/[^\s<>|]+$/.test(url) ? `<${url}|${text}>` : text;
}

/** The card's bug line, with "Tell requesters" while a fix is not yet told (and the ticket is open). */
export function bugSection(ticketId: string, bug: CardBug, open: boolean): KnownBlock {
  const name = bugName({ tracker: bug.tracker ?? 'github', key: bug.key });
  const text = mrkdwn(
    `:beetle: Bug ${link(bug.url, safe(name, 100))} · ${STATE_WORDS[bug.state ?? ''] ?? safe(bug.state, 50)}`,
  );
  const untold = bug.state === 'fixed' && open && (bug.toldRound ?? 0) < (bug.round ?? 0);
  if (!untold) return { type: 'section', text } as KnownBlock;
  const accessory = {
    type: 'button',
    action_id: ActionIds.ticketTellRequesters,
    text: plain('Tell requesters', LIMITS.button),
    value: JSON.stringify({ ticketId }),
    style: 'primary',
  };
  return { type: 'section', text, accessory } as KnownBlock;
}

/** The card's "File bug" and "Link to bug" buttons, when a tracker is configured and the ticket has no bug. */
export function bugButtons(ticketId: string, trackers: readonly string[], hasBug: boolean) {
  if (!trackers.length || hasBug) return [];
  const value = JSON.stringify({ ticketId });
  return [
    { type: 'button' as const, action_id: ActionIds.ticketFileBug, text: plain('File bug', LIMITS.button), value },
    { type: 'button' as const, action_id: ActionIds.ticketLinkBug, text: plain('Link to bug', LIMITS.button), value },
  ];
}

const textInput = (
  ids: { block: string; action: string },
  label: string,
  value: string,
  opts: { multiline?: boolean; max?: number; optional?: boolean; hint?: string } = {},
) => ({
  type: 'input',
  block_id: ids.block,
  label: plain(label, 100),
  optional: opts.optional ?? false,
  ...(opts.hint ? { hint: plain(opts.hint, 150) } : {}),
  element: {
    type: 'plain_text_input',
    action_id: ids.action,
    multiline: opts.multiline ?? true,
    max_length: opts.max ?? BUG_TEXT_MAX,
    ...(value ? { initial_value: value.slice(0, opts.max ?? BUG_TEXT_MAX) } : {}),
  },
});

/** "File bug": the report prefilled from the ticket (no addresses), and the tracker when there are two. */
export function fileBugModal(input: {
  ticketKey: string;
  report: BugReport;
  trackers: readonly string[];
  privateMetadata: string;
}) {
  const r = input.report;
  const option = (t: string) => ({ text: plain(TRACKER_LABELS[t as 'github'] ?? t, LIMITS.option), value: t });
  const trackerBlock =
    input.trackers.length > 1
      ? [
          {
            type: 'input',
            block_id: InputIds.bugTracker.block,
            label: plain('File in', 100),
            element: {
              type: 'static_select',
              action_id: InputIds.bugTracker.action,
              options: input.trackers.map(option),
              initial_option: option(input.trackers[0]!),
            },
          },
        ]
      : [
          {
            type: 'context',
            elements: [mrkdwn(`Filed in ${TRACKER_LABELS[input.trackers[0] as 'github'] ?? 'the tracker'}.`)],
          },
        ];
  return {
    ...formModal({
      callbackId: CallbackIds.fileBugModal,
      privateMetadata: input.privateMetadata,
      title: `File bug · ${input.ticketKey}`,
      submit: 'File bug',
    }),
    blocks: [
      ...trackerBlock,
      textInput(InputIds.bugTitle, 'Title', r.title, { multiline: false, max: BUG_TITLE_MAX }),
      textInput(InputIds.bugSteps, 'Steps to reproduce', r.steps),
      textInput(InputIds.bugExpected, 'Expected result', r.expected),
      textInput(InputIds.bugActual, 'Actual result', r.actual),
      textInput(InputIds.bugEnvironment, 'Environment', r.environment, { optional: true }),
      textInput(InputIds.bugImpact, 'User impact', r.impact, { optional: true }),
      {
        type: 'context',
        elements: [
          mrkdwn('Email addresses are taken out before the report leaves Deskbell; the issue links back to the card.'),
        ],
      },
    ] as KnownBlock[],
  };
}

/** "Link to bug": the issue's URL or key. */
export function linkBugModal(input: { ticketKey: string; help: string; privateMetadata: string }) {
  return {
    ...formModal({
      callbackId: CallbackIds.linkBugModal,
      privateMetadata: input.privateMetadata,
      title: `Link ${input.ticketKey} to bug`,
      submit: 'Link',
    }),
    blocks: [
      textInput(InputIds.bugIssue, 'Issue URL or key', '', { multiline: false, max: 300, hint: input.help }),
    ] as KnownBlock[],
  };
}

/** The DM to a ticket's assignee when its bug is fixed. */
export function bugFixedDmText(d: {
  key: string;
  subject: string;
  bug: string;
  permalink: string;
  auto: boolean;
}): string {
  const next = d.auto
    ? 'Deskbell has told the requester.'
    : 'Press *Tell requesters* on the card to tell the requester.';
  const what = `${safe(d.bug, 100)} behind *${d.key}* · ${safe(d.subject, 300)}`;
  return `:white_check_mark: ${what} is fixed. ${next}\n<${d.permalink}|Open the card>`;
}

/** `/support SUP-12`'s line about the ticket's bug. */
export function bugSummaryLine(bug: CardBug | null | undefined): string | undefined {
  if (!bug?.state) return undefined;
  const name = safe(bugName({ tracker: bug.tracker ?? 'github', key: bug.key }), 100);
  return `:beetle: Bug ${link(bug.url, name)} · ${STATE_WORDS[bug.state] ?? safe(bug.state, 50)}`;
}
