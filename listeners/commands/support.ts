import type { App } from '@slack/bolt';
import type { AppContext } from '../../src/context.js';
import { myOpenTickets, unassignedOpenTickets } from '../../src/domain/queues.js';
import { findTicketByKey } from '../../src/domain/tickets.js';
import { workspaceUrl } from '../../src/slack/workspace-url.js';
import { ticketListText, ticketSummaryText } from '../../views/ticket-list.js';
import { safe } from '../../views/text.js';
import { afterAck, tellUser } from '../respond.js';
import { notOnTeamText, openNewTicketModal, permalinkOf } from '../views/new-ticket.js';

const LIST_SIZE = 15;

/** `SUP-123`, `sup-123`, `#123` or `123`. */
const TICKET_REF = /^(?:SUP-|#)?(\d{1,9})$/i;

export function supportHelpText(unknown?: string): string {
  const lines = [
    ...(unknown ? [`I don't know \`${safe(unknown, 60)}\`. Here is what \`/support\` does:`] : ['*`/support` commands*']),
    '• `/support` — open a new ticket (a form: requester email, subject, description, category, priority)',
    '• `/support SUP-123` — show a ticket, with a link to its card',
    '• `/support mine` — your open tickets',
    '• `/support queue` — open tickets nobody owns yet, most urgent first',
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
    const known = sub === '' || sub === 'new' || sub === 'mine' || sub === 'queue' || !!ref;
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
        await tellUser(ctx.slack, channel, user, notOnTeamText(ctx));
        return;
      }
      if (sub === '' || sub === 'new') {
        await openNewTicketModal(ctx, command.trigger_id, {}, { channel });
      } else if (ref) {
        await showTicket(ctx, channel, user, `SUP-${Number(ref[1])}`);
      } else if (sub === 'mine') {
        const page = await myOpenTickets(ctx, user, LIST_SIZE);
        const url = await workspaceUrl(ctx.slack);
        await tellUser(ctx.slack, channel, user, ticketListText('Your open tickets', page, { workspaceUrl: url, empty: 'Nothing is assigned to you. `/support queue` shows unassigned tickets.' }));
      } else {
        const page = await unassignedOpenTickets(ctx, LIST_SIZE);
        const url = await workspaceUrl(ctx.slack);
        await tellUser(ctx.slack, channel, user, ticketListText('Unassigned open tickets', page, { workspaceUrl: url, empty: 'Every open ticket has an owner. :tada:' }));
      }
    });
  });
}

async function showTicket(ctx: AppContext, channel: string, user: string, key: string): Promise<void> {
  const ticket = await findTicketByKey(ctx, key);
  if (!ticket) {
    await tellUser(ctx.slack, channel, user, `I can't find *${key}*. Ticket numbers look like \`SUP-1042\`; \`/support mine\` and \`/support queue\` list open tickets.`);
    return;
  }
  const card = ticket.card?.channel && ticket.card.ts ? { channel: ticket.card.channel, ts: ticket.card.ts } : undefined;
  const permalink = card ? await permalinkOf(ctx, card) : undefined;
  await tellUser(ctx.slack, channel, user, ticketSummaryText(ticket.toObject(), { permalink, now: ctx.clock.now() }));
}
