import type { ModalView } from '@slack/types';
import type { AppContext } from '../src/context.js';
import { DomainError } from '../src/domain/errors.js';
import { newTicketModal, type NewTicketMetadata, type NewTicketPrefill } from '../views/new-ticket-modal.js';

/** Opens the "New ticket" modal; a trigger that expired (they last 3 seconds) becomes a sentence the user can act on. */
export async function openNewTicketModal(
  ctx: Pick<AppContext, 'slack'>,
  triggerId: string,
  prefill: NewTicketPrefill,
  metadata: NewTicketMetadata,
): Promise<void> {
  const view: ModalView = newTicketModal(prefill, metadata);
  try {
    await ctx.slack.views.open({ trigger_id: triggerId, view });
  } catch (err) {
    if ((err as { data?: { error?: string } }).data?.error === 'expired_trigger_id') {
      throw new DomainError('Slack took too long to open the form. Please try again.');
    }
    throw err;
  }
}
