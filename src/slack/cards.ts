import type { TicketDoc } from '../db/models/ticket.js';
import { OnceKeys, DeliveryKinds } from '../db/once-keys.js';
import { patchTicket } from '../db/ticket-writes.js';
import { ticketCard } from '../../views/ticket-card.js';
import type { SlackDeps } from './deps.js';
import { threadNoteBlocks, threadNoteText } from '../../views/thread-note.js';
import { postMessageOnce } from './post-once.js';
import { SlackPriority, ticketRank, withSlackPriority } from './channel-queue.js';

/** What posting and updating cards needs. */
export type CardDeps = Pick<
  SlackDeps,
  'models' | 'slack' | 'slackNoRetry' | 'claimMs' | 'policy' | 'clock' | 'logger' | 'supportChannel' | 'settings'
>;

export const CARD_EVENT_TYPE = 'deskbell_ticket_card';
export const NOTE_EVENT_TYPE = 'deskbell_thread_note';

function render(ticket: TicketDoc, deps: Pick<CardDeps, 'policy' | 'settings'>) {
  const t = { ...(ticket.toObject() as object), id: ticket.id } as never;
  return ticketCard(t, deps.policy, deps.settings.knowledge.feedbackTags, deps.settings.bugs.trackers);
}

/**
 * The queue rank of a ticket's card and thread notes: a card of a possibly building storm waits behind
 * unrelated tickets' cards (it is one of many alike).
 */
function cardRank(ticket: Pick<TicketDoc, 'priority' | 'lookalikes'>): number {
  return !ticket.priority && (ticket.lookalikes ?? 0) > 1 ? SlackPriority.P3 : ticketRank(ticket.priority);
}

/** Where a card went, and the ticket version it shows (`rendered`: its updatedAt when rendered). */
export interface PostedCard {
  channel: string;
  ts: string;
  by: 'sent' | 'found' | 'earlier';
  rendered: number;
}

/**
 * Posts the ticket's card exactly once (src/slack/post-once.ts) without recording it on the ticket: the
 * caller does, in its own write (a new ticket's intake records it with the end of its claim).
 */
export async function postCardMessage(
  deps: CardDeps,
  ticket: TicketDoc,
  opts: { job?: { name: string; data: Record<string, string> }; underClaim?: { takenOver: boolean } } = {},
): Promise<PostedCard> {
  const { text, blocks } = render(ticket, deps);
  const rendered = ticket.updatedAt.getTime();
  const outcome = await withSlackPriority(cardRank(ticket), () =>
    postMessageOnce(deps, {
      key: OnceKeys.card(ticket.id),
      kind: DeliveryKinds.card,
      ticketId: ticket._id,
      at: deps.clock.now(),
      ...(opts.job ? { job: opts.job } : {}),
      ...(opts.underClaim ? { underClaim: opts.underClaim } : {}),
      channel: deps.supportChannel,
      text,
      blocks,
      eventType: CARD_EVENT_TYPE,
      payload: { ticket_id: ticket.id, ticket_key: ticket.key },
      since: ticket.createdAt,
    }),
  );
  const { channel, ts } = outcome.result;
  if (outcome.by === 'sent') deps.logger.info({ ticket: ticket.key, channel, ts }, 'card posted');
  return { channel, ts, by: outcome.by, rendered };
}

/** The ticket's fields that say where its card is. */
export function cardFields(posted: PostedCard, now: Date): Record<string, unknown> {
  return { 'card.channel': posted.channel, 'card.ts': posted.ts, 'card.postedAt': now };
}

/**
 * Posts the ticket's card exactly once, records where it is on the ticket, and re-renders it if the ticket
 * changed while it was being posted. Returns the ticket when its card is out.
 */
export async function postCard(
  deps: CardDeps,
  ticketId: string,
  job?: { name: string; data: Record<string, string> },
): Promise<TicketDoc | undefined> {
  const ticket = await deps.models.Ticket.findById(ticketId);
  if (!ticket) return undefined;
  if (ticket.card?.ts) return ticket;
  // Grouped in a storm: the storm's card shows it, until someone splits the storm.
  if (ticket.storm?.grouped) return undefined;
  const posted = await postCardMessage(deps, ticket, job ? { job } : {});
  // Recorded with the same version bump as patchTicket, reading back whether the ticket changed meanwhile.
  const current = await deps.models.Ticket.findOneAndUpdate(
    { _id: ticket._id },
    { $set: cardFields(posted, deps.clock.now()), $inc: { __v: 1 } },
    { projection: { updatedAt: 1 }, returnDocument: 'after' },
  ).lean();
  await updateIfChanged(deps, ticketId, posted, current?.updatedAt);
  return ticket;
}

/** Changes made while the card was being posted (or a card posted by an earlier run): render once more. */
export async function updateIfChanged(
  deps: CardDeps,
  ticketId: string,
  posted: PostedCard,
  updatedAt: Date | undefined,
): Promise<void> {
  if (posted.by !== 'sent' || updatedAt?.getTime() !== posted.rendered) await updateCard(deps, ticketId);
}

/**
 * Re-renders the card from the stored ticket; a card not yet posted is left to the post job. chat.update
 * is idempotent, but two updates racing could land in the wrong order and leave an older state on the
 * card; so after each update the ticket is read again and, if it changed meanwhile, rendered once more.
 * The last writer always ends with the current state.
 */
export async function updateCard(deps: CardDeps, ticketId: string): Promise<void> {
  let sent: number | undefined;
  for (let round = 0; round < 5; round++) {
    const ticket = await deps.models.Ticket.findById(ticketId);
    if (!ticket?.card?.ts || !ticket.card.channel) return;
    const version = ticket.updatedAt.getTime() * 1000 + (ticket.__v ?? 0);
    if (version === sent) return;
    const { text, blocks } = render(ticket, deps);
    await withSlackPriority(ticketRank(ticket.priority), () =>
      deps.slack.chat.update({ channel: ticket.card!.channel!, ts: ticket.card!.ts!, text, blocks }),
    );
    sent = version;
  }
}

/** Posts one timeline event in the card's thread, once; the event's `slackTs` records where. */
export async function postThreadNote(
  deps: CardDeps,
  ticketId: string,
  eventId: string,
  job?: { name: string; data: Record<string, string> },
): Promise<void> {
  const ticket = await deps.models.Ticket.findById(ticketId);
  const event = ticket?.timeline.find((e) => String(e._id) === eventId);
  if (!ticket || !event || event.slackTs) return;
  // A ticket grouped in a storm has no card of its own (until a split): its thread notes are not posted.
  if (!ticket.card?.ts && ticket.storm?.grouped) return;
  if (!ticket.card?.ts || !ticket.card.channel)
    throw new Error(`card of ${ticket.key} is not posted yet; the note waits for it`);
  const card = { channel: ticket.card.channel, ts: ticket.card.ts };
  const outcome = await withSlackPriority(cardRank(ticket), () =>
    postMessageOnce(deps, {
      key: OnceKeys.threadNote(eventId),
      kind: DeliveryKinds.threadNote,
      ticketId: ticket._id,
      at: deps.clock.now(),
      ...(job ? { job } : {}),
      channel: card.channel,
      threadTs: card.ts,
      text: threadNoteText(event),
      blocks: threadNoteBlocks(event, ticket.id),
      eventType: NOTE_EVENT_TYPE,
      payload: { ticket_id: ticket.id, event_id: eventId },
      since: event.at,
    }),
  );
  await patchTicket(deps.models, ticket.id, { $set: { 'timeline.$[e].slackTs': outcome.result.ts } }, {}, [
    { 'e._id': event._id },
  ]);
}
