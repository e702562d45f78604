import type { App, SlashCommand } from '@slack/bolt';
import { DomainError } from '../../src/domain/errors.js';
import { takeOnCall, whoIsOnCall } from '../../src/domain/incidents/on-call-now.js';
import { incidentKeyOfTicket } from '../../src/domain/incidents/queries.js';
import { stormOfTicket } from '../../src/domain/storm-queries.js';
import { zonedTime } from '../../src/domain/local-time.js';

import { incidentDeclaredText, onCallTakenText, onCallText } from '../../views/oncall.js';
import type { AppContext } from '../../src/context.js';
import { myOpenTickets, unassignedOpenTickets } from '../../src/domain/queues.js';
import { createTicket, findTicketByKey } from '../../src/domain/tickets.js';
import { workspaceUrl } from '../../src/slack/workspace-url.js';
import { ticketListText, ticketSummaryText } from '../../views/ticket-list.js';
import { stormMembershipText } from '../../views/storm-card.js';
import { safe } from '../../views/text.js';
import { afterAck, tellUser } from '../respond.js';
import {
  INCIDENT_REF,
  incidentsCommand,
  linkCommand,
  showIncidentCommand,
  unlinkCommand,
  updateCommand,
} from './support-incidents.js';
import { openNewTicketModal } from '../new-ticket-form.js';
import { permalinkOf } from '../../src/slack/permalink.js';
import { notInTeamText } from '../../views/team-gate.js';
import { kbCommand } from './support-kb.js';
import { bugSummaryLine } from '../../views/bug.js';
import { bugCommand } from './support-bugs.js';

const LIST_SIZE = 15;

/** `SUP-123`, `sup-123`, `#123` or `123`. */
const TICKET_REF = /^(?:SUP-|#)?(\d{1,9})$/i;

export function supportHelpText(unknown?: string): string {
  const lines = [
    ...(unknown
      ? [`I don't know \`${safe(unknown, 60)}\`. Here is what \`/support\` does:`]
      : ['*`/support` commands*']),
    '• `/support` — open a new ticket (a form: requester email, subject, description, category, priority)',
    '• `/support SUP-123` — show a ticket, with a link to its card',
    '• `/support mine` — your open tickets',
    '• `/support queue` — open tickets nobody owns yet, most urgent first',
    '• `/support incident <title>` — declare a P0 incident nobody has reported yet: ticket, war room, @channel alert, page',
    '• `/support incidents` — active and recent incidents; `/support incident INC-3` — one incident with its linked tickets',
    '• `/support update` — in a war room: post a status update (also the brief’s *Post update*)',
    '• `/support link SUP-12 INC-3` — link a ticket to an incident (`/support link SUP-12` inside its war room); `/support unlink SUP-12`',
    '• `/support oncall` — who is on call now and next; `/support oncall take [until 2026-12-24]` to cover',
    '• `/support kb <words>` — search the knowledge base; `/support kb` — the most used articles',
    '• `/support bug SUP-12` — file a bug from the ticket; `/support bug SUP-12 <issue URL or key>` — link one',
    '• `/support help` — this help',
    'To turn a message into a ticket, use the message’s *More actions* menu → *Create support ticket*.',
  ];
  return lines.join('\n');
}

export function register(app: App, ctx: AppContext): void {
  app.command('/support', async ({ ack, command }) => {
    const text = command.text.trim();
    const [word = ''] = text.split(/\s+/);
    const sub = word.toLowerCase();
    const ref = TICKET_REF.exec(word);
    const rest = text.slice(word.length).trim();
    const known =
      ['', 'new', 'mine', 'queue', 'oncall', 'incidents', 'update', 'kb'].includes(sub) ||
      (['incident', 'link', 'unlink', 'bug'].includes(sub) && !!rest) ||
      !!ref;
    if (!known || sub === 'help') {
      // No lookup needed: the usage goes back in the acknowledgement itself.
      await ack({ response_type: 'ephemeral', text: supportHelpText(sub === 'help' ? undefined : text) });
      return;
    }
    await ack();
    const { channel_id: channel, user_id: user } = command;
    const where = { channel, user, what: `/support ${sub}`.trim() };
    await afterAck(ctx, where, async () => {
      if (!(await ctx.team.mayAct(user))) {
        await tellUser(ctx.slack, channel, user, notInTeamText(ctx.team.usergroup));
        return;
      }
      if (sub === '' || sub === 'new') {
        await openNewTicketModal(ctx, command.trigger_id, {}, { channel });
      } else if (ref) {
        await showTicket(ctx, channel, user, `SUP-${Number(ref[1])}`);
      } else if (sub === 'incident' && INCIDENT_REF.test(rest)) {
        await showIncidentCommand(ctx, command, rest);
      } else if (sub === 'incident') {
        await declareFromCommand(ctx, command, rest);
      } else if (sub === 'incidents') {
        await incidentsCommand(ctx, command);
      } else if (sub === 'update') {
        await updateCommand(ctx, command);
      } else if (sub === 'link') {
        await linkCommand(ctx, command, rest);
      } else if (sub === 'bug') {
        await bugCommand(ctx, command, rest);
      } else if (sub === 'unlink') {
        await unlinkCommand(ctx, command, rest);
      } else if (sub === 'kb') {
        await kbCommand(ctx, command, rest);
      } else if (sub === 'oncall') {
        await onCallCommand(ctx, channel, user, rest);
      } else if (sub === 'mine') {
        const page = await myOpenTickets(ctx, user, LIST_SIZE);
        const url = await workspaceUrl(ctx.slack);
        await tellUser(
          ctx.slack,
          channel,
          user,
          ticketListText('Your open tickets', page, {
            workspaceUrl: url,
            empty: 'Nothing is assigned to you. `/support queue` shows unassigned tickets.',
          }),
        );
      } else {
        const page = await unassignedOpenTickets(ctx, LIST_SIZE);
        const url = await workspaceUrl(ctx.slack);
        await tellUser(
          ctx.slack,
          channel,
          user,
          ticketListText('Unassigned open tickets', page, {
            workspaceUrl: url,
            empty: 'Every open ticket has an owner. :tada:',
          }),
        );
      }
    });
  });
}

/** `/support incident <title>`: an emergency no customer has reported yet: the ticket and its incident together. */
async function declareFromCommand(ctx: AppContext, command: SlashCommand, title: string): Promise<void> {
  const user = command.user_id;
  const email = await userEmail(ctx, user);
  const { ticket } = await createTicket(ctx, {
    source: 'slack',
    requester: { email: email ?? ctx.config.SUPPORT_EMAIL_ADDRESS },
    subject: title.slice(0, 250),
    body: 'Declared in Slack with /support incident; no customer report yet.',
    category: 'bug',
    priority: 'P0',
    openedBy: { type: 'user', id: user },
    // Slack repeats the trigger id when it retries the same command: one ticket, one incident.
    idempotencyKeys: [`slack:incident:${command.trigger_id}`],
    acknowledge: false,
    declareIncident: { actor: { type: 'user', id: user }, via: 'command' },
  });
  const incidentKey = await incidentKeyOfTicket(ctx, ticket.id);
  await tellUser(
    ctx.slack,
    command.channel_id,
    user,
    incidentDeclaredText(incidentKey ?? 'The incident', ticket.key, true),
  );
}

const takeArgs = /^take(?:\s+until\s+(\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2})?))?$/i;

async function onCallCommand(ctx: AppContext, channel: string, user: string, args: string): Promise<void> {
  const now = ctx.clock.now();
  if (!args) {
    await tellUser(ctx.slack, channel, user, onCallText(await whoIsOnCall(ctx, now)));
    return;
  }
  const take = takeArgs.exec(args);
  if (!take)
    throw new DomainError('Use `/support oncall`, `/support oncall take` or `/support oncall take until 2026-12-24`.');
  if (!ctx.incidents.rotation)
    throw new DomainError('There is no on-call rotation to cover (set ONCALL_FILE); paging goes to a user group.');
  const until = take[1] ? parseLocalDate(take[1], ctx.policy.timeZone) : undefined;
  if (until && until <= now) throw new DomainError('That date has passed: give a date in the future.');
  const taken = await takeOnCall(ctx, user, now, until);
  await tellUser(ctx.slack, channel, user, onCallTakenText(taken.until));
}

function parseLocalDate(text: string, timeZone: string): Date {
  const [date, time = '00:00'] = text.split(/[T ]/);
  const [y, m, d] = date!.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  return zonedTime({ year: y, month: m, day: d }, hh, mm, timeZone);
}

async function userEmail(ctx: AppContext, user: string): Promise<string | undefined> {
  try {
    const res = await ctx.slack.users.info({ user });
    return res.user?.profile?.email ?? undefined;
  } catch {
    return undefined;
  }
}

async function showTicket(ctx: AppContext, channel: string, user: string, key: string): Promise<void> {
  const ticket = await findTicketByKey(ctx, key);
  if (!ticket) {
    await tellUser(
      ctx.slack,
      channel,
      user,
      `I can't find *${key}*. Ticket numbers look like \`SUP-1042\`; \`/support mine\` and \`/support queue\` list open tickets.`,
    );
    return;
  }
  const card =
    ticket.card?.channel && ticket.card.ts ? { channel: ticket.card.channel, ts: ticket.card.ts } : undefined;
  const permalink = card ? await permalinkOf(ctx, card) : undefined;
  const storm = await stormOfTicket(ctx, ticket);
  const stormCard = storm?.card ? await permalinkOf(ctx, storm.card) : undefined;
  const group = storm
    ? stormMembershipText({
        label: storm.label,
        count: storm.count,
        grouped: storm.grouped,
        ...(stormCard ? { permalink: stormCard } : {}),
      })
    : undefined;
  const summary = ticketSummaryText(ticket.toObject(), { permalink, now: ctx.clock.now(), policy: ctx.policy });
  await tellUser(ctx.slack, channel, user, [summary, bugSummaryLine(ticket.bug), group].filter(Boolean).join('\n'));
}
