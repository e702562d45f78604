import { z } from 'zod';
import type { AppContext } from '../src/context.js';
import { bugFormFor } from '../src/domain/bugs.js';
import { issueRefHelp } from '../src/domain/bug-refs.js';
import { DomainError, TicketNotFoundError } from '../src/domain/errors.js';
import { permalinkOf } from '../src/slack/permalink.js';
import { fileBugModal, linkBugModal } from '../views/bug.js';
import { parseJson, type ModalMetadata } from './ticket-ref.js';

/** The bug forms' private_metadata: the ticket and its card, and the card's link for the issue. */
export const bugMetadataSchema = z.object({
  ticketId: z.string().regex(/^[a-f0-9]{24}$/),
  channel: z.string().optional(),
  ts: z.string().optional(),
  cardUrl: z.url().optional(),
});
export const parseBugMetadata = (raw: string | undefined) => parseJson(bugMetadataSchema, raw);

/** "File bug" (card button, `/support bug SUP-12`): the form prefilled from the ticket. */
export async function openFileBugModal(
  ctx: AppContext,
  triggerId: string,
  ticketId: string,
  where: Omit<ModalMetadata, 'ticketId'>,
): Promise<void> {
  const stored = await ctx.models.Ticket.findById(ticketId, { card: 1 }).lean();
  if (!stored) throw new TicketNotFoundError('That ticket no longer exists.');
  const cardUrl =
    stored.card?.channel && stored.card.ts
      ? await permalinkOf(ctx, { channel: stored.card.channel, ts: stored.card.ts })
      : undefined;
  const { ticket, report, trackers } = await bugFormFor(ctx, ticketId, cardUrl);
  const metadata = { ticketId, ...where, ...(cardUrl ? { cardUrl } : {}) };
  await ctx.slack.views.open({
    trigger_id: triggerId,
    view: fileBugModal({ ticketKey: ticket.key, report, trackers, privateMetadata: JSON.stringify(metadata) }) as never,
  });
}

/** "Link to bug": the form asking for the issue. */
export async function openLinkBugModal(
  ctx: AppContext,
  triggerId: string,
  ticketId: string,
  where: Omit<ModalMetadata, 'ticketId'>,
): Promise<void> {
  const { ticket } = await bugFormFor(ctx, ticketId);
  if (!ctx.settings.bugs.trackers.length) throw new DomainError('No issue tracker is configured.');
  const metadata = { ticketId, ...where };
  await ctx.slack.views.open({
    trigger_id: triggerId,
    view: linkBugModal({
      ticketKey: ticket.key,
      help: issueRefHelp(ctx.settings.bugs),
      privateMetadata: JSON.stringify(metadata),
    }) as never,
  });
}
