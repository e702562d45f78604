import { randomUUID } from 'node:crypto';
import type { Models } from '../db/models/index.js';
import type { TicketDoc } from '../db/models/ticket.js';

/**
 * A new ticket's intake (storm grouping, card, acknowledgement, a P0's incident: src/flows/ticket-intake.ts)
 * is claimed on the ticket itself, like an effect in the delivery queue: `intake.owner` and a real-time
 * `intake.deadline`. The process that stores the ticket stores it claimed, so the insert is the claim and
 * the intake runs at once without a record of its own; the write that records the card ends the claim.
 * A claim past its deadline (its process died) is found by one indexed query (`staleIntakes`) and taken
 * over; the taker knows the card or the acknowledgement may have gone out, and checks before sending.
 */
export interface IntakeClaim {
  owner: string;
  /** A previous holder's claim ran out: its card or acknowledgement may have reached Slack or the requester. */
  takenOver: boolean;
}

type TicketModels = Pick<Models, 'Ticket'>;

/** The claim a ticket is stored with when its intake runs in the storing process. */
export function freshIntakeClaim(holdMs: number): { owner: string; deadline: Date } {
  return { owner: randomUUID(), deadline: new Date(Date.now() + holdMs) };
}

/**
 * Claims a stored ticket's intake: free (never claimed, or finished: running it again is harmless, every
 * step is idempotent) or past its deadline. Undefined when another process holds it (it finishes it).
 */
export async function claimIntake(
  models: TicketModels,
  ticketId: string,
  holdMs: number,
): Promise<{ ticket: TicketDoc; claim: IntakeClaim } | undefined> {
  const { owner, deadline } = freshIntakeClaim(holdMs);
  const before = await models.Ticket.findOneAndUpdate(
    { _id: ticketId, $or: [{ 'intake.owner': null }, { 'intake.deadline': { $lte: new Date() } }] },
    { $set: { 'intake.owner': owner, 'intake.deadline': deadline } },
    { returnDocument: 'before' },
  );
  if (!before) return undefined;
  const takenOver = !!before.intake?.owner;
  before.set({ 'intake.owner': owner, 'intake.deadline': deadline });
  return { ticket: before, claim: { owner, takenOver } };
}

/** Moves a held claim's deadline; false when it was taken over. */
export async function renewIntake(models: TicketModels, ticketId: string, owner: string, holdMs: number) {
  const res = await models.Ticket.updateOne(
    { _id: ticketId, 'intake.owner': owner },
    { $set: { 'intake.deadline': new Date(Date.now() + holdMs) } },
  );
  return res.matchedCount === 1;
}

/**
 * Renews many held claims in one write (intakes waiting for their turn in a burst). Owners are unique per
 * claim, so a ticket taken over by another process (a new owner) is left alone. When every one matched, the
 * copies in memory get the new deadline; otherwise each renews once more, fenced, before it starts
 * (src/flows/ticket-intake.ts), and one taken over stops there.
 */
export async function renewIntakes(
  models: TicketModels,
  held: Array<{ owner: string; ticket: TicketDoc }>,
  holdMs: number,
): Promise<void> {
  if (!held.length) return;
  const deadline = new Date(Date.now() + holdMs);
  const res = await models.Ticket.updateMany(
    { _id: { $in: held.map((h) => h.ticket._id) }, 'intake.owner': { $in: held.map((h) => h.owner) } },
    { $set: { 'intake.deadline': deadline } },
  );
  if (res.matchedCount === held.length) for (const h of held) h.ticket.set('intake.deadline', deadline);
}

/**
 * Ends the claim in one write that also records what the intake did (`set`: where the card is, how many
 * look-alikes). Fenced by the owner: undefined when the claim was taken over meanwhile (the new holder
 * checks for the card before posting one). Returns the ticket's updatedAt, to see whether it changed while
 * the card was being posted.
 */
export async function finishIntake(
  models: TicketModels,
  ticketId: string,
  owner: string,
  set: Record<string, unknown>,
): Promise<{ updatedAt: Date } | undefined> {
  const done = await models.Ticket.findOneAndUpdate(
    { _id: ticketId, 'intake.owner': owner },
    { $set: set, $unset: { 'intake.owner': 1, 'intake.deadline': 1 }, $inc: { __v: 1 } },
    { projection: { updatedAt: 1 }, returnDocument: 'after' },
  ).lean();
  return done ? { updatedAt: done.updatedAt } : undefined;
}

/** Tickets whose intake claim ran out (the holder died or hung), oldest deadline first. */
export async function staleIntakes(models: TicketModels, limit = 100): Promise<string[]> {
  const rows = await models.Ticket.find({ 'intake.deadline': { $lte: new Date() } }, { _id: 1 })
    .sort({ 'intake.deadline': 1 })
    .limit(limit)
    .lean();
  return rows.map((r) => String(r._id));
}
