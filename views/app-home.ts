import type { HomeView, KnownBlock } from '@slack/types';
import type { IncidentRow } from '../src/domain/incidents/overview.js';
import type { QueueTicket, TicketNearTarget, TicketPage } from '../src/domain/queues.js';
import { homeIncidentBlocks } from './incident-list.js';
import { dueText, ticketLine, type LinkOptions } from './ticket-list.js';
import { mrkdwn, plain, slackDate, usergroupMention } from './text.js';

/** Home tabs allow 100 blocks; the sections below stay well under it. */
export const HOME_MAX_BLOCKS = 100;
export const HOME_LIST_SIZE = 10;
export const HOME_NEAREST_SIZE = 5;

export interface HomeData extends LinkOptions {
  mine: TicketPage;
  unassigned: TicketPage;
  nearest: TicketNearTarget[];
  now: Date;
  supportChannel: string;
  /** Active incidents, shown at the top. */
  incidents?: { rows: IncidentRow[]; total: number };
}

function section(text: string): KnownBlock {
  return { type: 'section', text: mrkdwn(text) };
}

function list(title: string, page: TicketPage, empty: string, link: LinkOptions, showAssignee: boolean): KnownBlock[] {
  const blocks: KnownBlock[] = [{ type: 'header', text: plain(page.total ? `${title} (${page.total})` : title, 150) }];
  if (!page.tickets.length) return [...blocks, { type: 'context', elements: [mrkdwn(empty)] }];
  blocks.push(...page.tickets.map((t: QueueTicket) => section(ticketLine(t, { ...link, showAssignee }))));
  const more = page.total - page.tickets.length;
  if (more > 0) blocks.push({ type: 'context', elements: [mrkdwn(`and ${more} more`)] });
  return blocks;
}

/** The App Home of a support agent: their open tickets, the unassigned queue, and what is due soonest. Pure. */
export function appHomeView(d: HomeData): HomeView {
  const link: LinkOptions = { workspaceUrl: d.workspaceUrl };
  const blocks: KnownBlock[] = [
    ...(d.incidents ? homeIncidentBlocks(d.incidents, d.now) : []),
    ...list(
      'Your open tickets',
      d.mine,
      'Nothing assigned to you. Pick one from the unassigned tickets below.',
      link,
      false,
    ),
    { type: 'divider' },
    ...list('Unassigned', d.unassigned, 'Every open ticket has an owner. :tada:', link, false),
    { type: 'divider' },
    { type: 'header', text: plain('Nearest their target', 150) },
  ];
  if (d.nearest.length) {
    blocks.push(
      ...d.nearest.map((n) => section(ticketLine(n.ticket, { ...link, showAssignee: true, extra: dueText(n, d.now) }))),
    );
  } else {
    blocks.push({ type: 'context', elements: [mrkdwn('No open ticket has a running SLA clock.')] });
  }
  blocks.push(
    { type: 'divider' },
    {
      type: 'context',
      elements: [
        mrkdwn(
          `Updated ${slackDate(d.now, '{date_short_pretty} {time}')} · cards live in <#${d.supportChannel}> · \`/support\` opens a ticket, \`/support help\` lists the rest`,
        ),
      ],
    },
  );
  return { type: 'home', blocks: blocks.slice(0, HOME_MAX_BLOCKS) };
}

/** What someone outside the support team sees: why the tab is empty and who to ask. */
export function appHomeNotMemberView(usergroup: string | undefined): HomeView {
  const who = usergroup ? `members of ${usergroupMention(usergroup)}` : 'the support team';
  return {
    type: 'home',
    blocks: [
      { type: 'header', text: plain('Deskbell', 150) },
      section(`Deskbell's queues are for ${who}. Ask a support lead to add you if you triage tickets.`),
    ],
  };
}
