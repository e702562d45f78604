import type { App } from '@slack/bolt';
import type { AppContext } from '../../src/context.js';
import { DomainError, TicketNotFoundError } from '../../src/domain/errors.js';
import { levelsAbove } from '../../src/domain/escalation.js';
import { ESCALATION_LABELS, type EscalationLevel } from '../../src/domain/types.js';
import { escalateModal } from '../../views/escalate-modal.js';
import { ActionIds } from '../../views/ids.js';
import type { ModalMetadata } from '../ticket-ref.js';
import { onCardButton } from './card-action.js';

/**
 * "Escalate" opens the escalation form. The trigger_id expires three seconds after the click, so the only
 * work before views.open is the membership check (cached) and one read of the ticket.
 */
export function register(app: App, ctx: AppContext): void {
  onCardButton(app, ctx, ActionIds.escalate, 'open escalation form', async ({ src, ticketId, triggerId }) => {
    const ticket = await ctx.models.Ticket.findById(ticketId, { key: 1, subject: 1, priority: 1, status: 1, escalationLevel: 1 }).lean();
    if (!ticket) throw new TicketNotFoundError('That ticket no longer exists.');
    if (ticket.status === 'resolved' || ticket.status === 'closed') throw new DomainError(`${ticket.key} is ${ticket.status}. Reopen it before escalating.`);
    const level = (ticket.escalationLevel ?? 'L1') as EscalationLevel;
    if (!levelsAbove(level).length) throw new DomainError(`${ticket.key} is already at ${ESCALATION_LABELS[level]}, the top of the escalation path.`);
    const metadata: ModalMetadata = { ticketId, channel: src.channel, ts: src.ts };
    await ctx.slack.views.open({
      trigger_id: triggerId,
      view: escalateModal({ id: ticketId, key: ticket.key, subject: ticket.subject, priority: ticket.priority ?? null, escalationLevel: level }, JSON.stringify(metadata)),
    });
  });
}
