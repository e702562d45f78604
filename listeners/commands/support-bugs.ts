import type { SlashCommand } from '@slack/bolt';
import type { AppContext } from '../../src/context.js';
import { DomainError } from '../../src/domain/errors.js';
import { findTicketByKey } from '../../src/domain/tickets.js';
import { linkBugByRef } from '../../src/flows/link-bug.js';
import { openFileBugModal } from '../bug-forms.js';
import { tellUser } from '../respond.js';

const TICKET = /^(?:SUP-|#)?(\d{1,9})$/i;

/** `/support bug SUP-12` opens the "File bug" form; `/support bug SUP-12 <issue URL or key>` links the ticket. */
export async function bugCommand(ctx: AppContext, command: SlashCommand, args: string): Promise<void> {
  const [ticketWord, issue, ...extra] = args.split(/\s+/).filter(Boolean);
  const m = TICKET.exec(ticketWord ?? '');
  if (!m || extra.length)
    throw new DomainError(
      'Use `/support bug SUP-12` to file a bug, or `/support bug SUP-12 <issue URL or key>` to link one.',
    );
  const ticket = await findTicketByKey(ctx, `SUP-${Number(m[1])}`);
  if (!ticket) throw new DomainError(`I can't find *SUP-${Number(m[1])}*.`);
  if (!issue) {
    await openFileBugModal(ctx, command.trigger_id, ticket.id, { channel: command.channel_id });
    return;
  }
  const actor = { type: 'user' as const, id: command.user_id, name: command.user_name };
  const result = await linkBugByRef(ctx, {
    ticketId: ticket.id,
    text: issue,
    actor,
    requestKey: `command:${command.trigger_id}`,
  });
  const text = result.changed
    ? `:beetle: ${result.ticketKey} is linked to ${result.bugName}.`
    : `${result.ticketKey} was already linked to ${result.bugName}.`;
  await tellUser(ctx.slack, command.channel_id, command.user_id, text);
}
