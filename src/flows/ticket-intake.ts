import type { AppContext } from '../context.js';
import { queueAcknowledgement } from '../domain/acknowledgement.js';
import { declareIncident, type DeclaredVia } from '../domain/incidents/declare.js';
import { groupIntoStorm } from '../domain/storms.js';
import type { Actor } from '../domain/types.js';
import { sendOutboxMail } from '../mail/send-outbox.js';
import { postCard } from '../slack/cards.js';
import { EffectNames } from '../delivery/names.js';

/**
 * What a new ticket calls for once its request is answered: grouping into a storm (a storm's card counts
 * it instead of a card of its own), the acknowledgement, a P0's incident, and its card. Every step is
 * idempotent, so a retry after a failure or a crash repeats nothing that was done.
 */
export async function runTicketIntake(ctx: AppContext, ticketId: string): Promise<void> {
  const ticket = await ctx.models.Ticket.findById(ticketId);
  // Asked for right after the insert: a missing ticket is a crash between the two; the request's retry re-asks.
  if (!ticket) throw new Error(`ticket ${ticketId} is not stored (yet)`);
  const storm = await groupIntoStorm(ctx, ticket);
  const intake = ticket.intake as { acknowledge?: boolean; declare?: { actor: Actor; via: DeclaredVia } } | undefined;
  const ack =
    intake?.acknowledge && !ticket.email?.automated
      ? await queueAcknowledgement(ctx, ticket, { sendNow: true })
      : undefined;
  if (intake?.declare && ticket.priority === 'P0') await declareIncident(ctx, { ticketId, ...intake.declare });
  // Card and acknowledgement are sent here rather than as effects of their own (a claim, a read and a delete
  // fewer each), side by side. If Slack or SMTP refuses, that one becomes its own effect with its own retries,
  // and the rest of the intake is not repeated.
  const card = storm?.grouped || ticket.card?.ts ? undefined : { name: EffectNames.postCard, data: { ticketId } };
  // While #support is backlogged the card waits its turn as an effect of its own, so this intake (and with it
  // the acknowledgement) does not wait with it.
  const cardNow = card && ctx.channelQueue.waiting(ctx.supportChannel) === 0;
  if (card && !cardNow) await ctx.effects.postCard(ticketId);
  let cardSent = false;
  await Promise.all([
    cardNow &&
      postCard(ctx, ticketId, card, ticket).then(
        () => void (cardSent = true),
        (err: unknown) => retryAlone(ctx, ticket.key, 'card', err, () => ctx.effects.postCard(ticketId)),
      ),
    ack &&
      sendOutboxMail(ctx, ack.id, { name: EffectNames.sendMail, data: { outboxId: ack.id } }, ack).catch(
        (err: unknown) => retryAlone(ctx, ticket.key, 'acknowledgement', err, () => ctx.effects.sendMail(ack.id)),
      ),
  ]);
  // The knowledge base's best matches go in the card's thread as an effect of their own, asked once the card
  // is there (here, or by the card's own effect when it went alone): a search never holds a card up.
  if (cardSent || ticket.card?.ts) await ctx.effects.similarMatches(ticketId);
}

async function retryAlone(
  ctx: AppContext,
  key: string,
  what: string,
  err: unknown,
  ask: () => Promise<void>,
): Promise<void> {
  ctx.logger.warn({ ticket: key, err: (err as Error).message }, `${what} not sent yet; retrying on its own`);
  await ask();
}
