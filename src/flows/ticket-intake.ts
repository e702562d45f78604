import type { AppContext } from '../context.js';
import { queueAcknowledgement } from '../domain/acknowledgement.js';
import { declareIncident, type DeclaredVia } from '../domain/incidents/declare.js';
import { groupIntoStorm } from '../domain/storms.js';
import type { Actor } from '../domain/types.js';
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
  if (intake?.acknowledge && !ticket.email?.automated) await queueAcknowledgement(ctx, ticket);
  if (intake?.declare && ticket.priority === 'P0') await declareIncident(ctx, { ticketId, ...intake.declare });
  if (storm?.grouped || ticket.card?.ts) return;
  // Posted here rather than as its own effect (two commands fewer); if Slack refuses, the card becomes its own
  // effect with its own retries, and the rest of the intake is not repeated.
  try {
    await postCard(ctx, ticketId, { name: EffectNames.postCard, data: { ticketId } });
  } catch (err) {
    ctx.logger.warn({ ticket: ticket.key, err: (err as Error).message }, 'card not posted yet; retrying on its own');
    await ctx.effects.postCard(ticketId);
  }
}
