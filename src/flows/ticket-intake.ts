import type { AppContext } from '../context.js';
import type { TicketDoc } from '../db/models/ticket.js';
import { acknowledgementId, acknowledgementMail, queueAcknowledgement } from '../domain/acknowledgement.js';
import { declareIncident, type DeclaredVia } from '../domain/incidents/declare.js';
import { claimIntake, finishIntake, renewIntake, staleIntakes, type IntakeClaim } from '../domain/intake-claim.js';
import { outboxRecord } from '../domain/outbox.js';
import { groupIntoStorm } from '../domain/storms.js';
import type { Actor } from '../domain/types.js';
import { sendOutboxMail, sendUnderClaim } from '../mail/send-outbox.js';
import { cardFields, postCardMessage, updateIfChanged, type PostedCard } from '../slack/cards.js';
import { EffectNames } from '../delivery/names.js';
import { askForSimilarMatches } from './similar-matches.js';

/** The intake of a ticket this process stored claimed (src/domain/tickets.ts): it starts without a command. */
export async function runHeldIntake(
  ctx: AppContext,
  held: { owner: string; ticket: TicketDoc },
  /** Called once the intake only waits (for its card's turn in the channel queue): the next one may start. */
  waiting: () => void,
): Promise<void> {
  await workIntake(ctx, held.ticket, { owner: held.owner, takenOver: false }, waiting);
}

/** The intake asked for as an effect (a replay, the reconcile sweep, a claim that ran out): claimed here first. */
export async function runTicketIntake(ctx: AppContext, ticketId: string): Promise<void> {
  const claimed = await claimIntake(ctx.models, ticketId, ctx.claimMs);
  // Held by a live process, which finishes it (or the ticket is gone).
  if (claimed) await workIntake(ctx, claimed.ticket, claimed.claim, () => undefined);
}

/** Asks for the intakes whose claim ran out (their process died): each is taken over by its effect. */
export async function askForStaleIntakes(ctx: AppContext): Promise<void> {
  for (const ticketId of await staleIntakes(ctx.models)) await ctx.effects.ticketIntake(ticketId);
}

async function workIntake(ctx: AppContext, ticket: TicketDoc, claim: IntakeClaim, waiting: () => void): Promise<void> {
  // A held intake that waited for its turn (a burst) renews its claim first, or stops if it was taken over.
  const deadline = ticket.intake?.deadline?.getTime() ?? 0;
  if (deadline - Date.now() < ctx.claimMs / 2 && !(await renewIntake(ctx.models, ticket.id, claim.owner, ctx.claimMs)))
    return;
  // A card waiting behind a backlog in the channel queue keeps the claim alive.
  const renew = setInterval(
    () => void renewIntake(ctx.models, ticket.id, claim.owner, ctx.claimMs).catch(() => undefined),
    ctx.claimMs / 3,
  );
  renew.unref?.();
  try {
    await intakeSteps(ctx, ticket, claim, waiting);
  } finally {
    clearInterval(renew);
  }
}

/**
 * What a new ticket calls for once its request is answered: grouping into a storm (a storm's card counts
 * it instead of a card of its own), the acknowledgement, a P0's incident, and its card, all under the
 * intake's claim. Card and acknowledgement go out side by side without records of their own; the write
 * that records the card ends the claim. If Slack or SMTP refuses, that one becomes an effect of its own
 * with its own retries, and nothing else is repeated.
 */
async function intakeSteps(ctx: AppContext, ticket: TicketDoc, claim: IntakeClaim, waiting: () => void): Promise<void> {
  const ticketId = ticket.id;
  const storm = await groupIntoStorm(ctx, ticket);
  const intake = ticket.intake as { acknowledge?: boolean; declare?: { actor: Actor; via: DeclaredVia } } | undefined;
  if (intake?.declare && ticket.priority === 'P0') await declareIncident(ctx, { ticketId, ...intake.declare });
  const cardOwed = !storm?.grouped && !ticket.card?.ts;
  // While #support is backlogged the card waits its turn in the channel queue under this claim (renewed),
  // beside the acknowledgement, which does not wait for it. A wait past SLACK_QUEUE_MAX_WAIT_MS hands it to
  // an effect of its own.
  const posting = cardOwed ? postOwnCard(ctx, ticket, claim) : undefined;
  if (intake?.acknowledge && !ticket.email?.automated) await acknowledge(ctx, ticket, claim);
  // What is left is the card's wait for its turn in #support: the next new ticket's intake may start.
  waiting();
  const card = await posting;
  const done = await finishIntake(ctx.models, ticketId, claim.owner, card ? cardFields(card, ctx.clock.now()) : {});
  if (!done) {
    ctx.logger.warn({ ticket: ticket.key }, 'intake taken over while it ran; the new holder checks for its card');
    return;
  }
  // Refused by Slack or by the channel queue (its failure is recorded: the card's effect checks if it must).
  if (cardOwed && !card) await ctx.effects.postCard(ticketId);
  if (card) await updateIfChanged(ctx, ticketId, card, done.updatedAt);
  if (card || ticket.card?.ts) await askForSimilarMatches(ctx, ticket);
}

async function postOwnCard(ctx: AppContext, ticket: TicketDoc, claim: IntakeClaim): Promise<PostedCard | undefined> {
  const job = { name: EffectNames.postCard, data: { ticketId: ticket.id } };
  try {
    return await postCardMessage(ctx, ticket, { job, underClaim: claim });
  } catch (err) {
    ctx.logger.warn({ ticket: ticket.key, err: (err as Error).message }, 'card not posted yet; retrying on its own');
    return undefined;
  }
}

async function acknowledge(ctx: AppContext, ticket: TicketDoc, claim: IntakeClaim): Promise<void> {
  try {
    if (!claim.takenOver) {
      await sendUnderClaim(ctx, outboxRecord(ctx, ticket, await acknowledgementMail(ctx, ticket)));
      return;
    }
    // The holder that vanished may have sent it: stored as sent, it is not sent again; otherwise it goes
    // (again) with the same Message-ID, which mail clients treat as the same message.
    const stored = await queueAcknowledgement(ctx, ticket, { sendNow: true });
    if (stored)
      await sendOutboxMail(ctx, stored.id, { name: EffectNames.sendMail, data: { outboxId: stored.id } }, stored);
  } catch (err) {
    ctx.logger.warn(
      { ticket: ticket.key, err: (err as Error).message },
      'acknowledgement not sent yet; retrying on its own',
    );
    await ctx.effects.sendMail(acknowledgementId(ticket));
  }
}
