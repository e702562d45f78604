import type { WebClient } from '@slack/web-api';
import type { Models } from '../db/models/index.js';
import type { TicketDoc } from '../db/models/ticket.js';
import type { SlaPolicy } from '../domain/sla-policy.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { ticketCard } from '../../views/ticket-card.js';
import { threadNoteText } from '../../views/thread-note.js';
import { BusyElsewhereError, mayHaveReachedSlack } from './errors.js';

export interface CardDeps {
  models: Models;
  slack: WebClient;
  /** A client that never retries by itself: a retried chat.postMessage could post twice. */
  slackNoRetry: WebClient;
  policy: SlaPolicy;
  clock: Clock;
  logger: Logger;
  channel: string;
}

export const CARD_EVENT_TYPE = 'deskbell_ticket_card';

function render(ticket: TicketDoc, policy: SlaPolicy) {
  return ticketCard({ ...(ticket.toObject() as object), id: ticket.id } as never, policy);
}

const LEASE_MS = 60_000;

/**
 * Posts the ticket's card exactly once. A lease on the ticket lets one worker post at a time; when an
 * earlier attempt's outcome is unknown (timeout, 5xx, crash after Slack answered), the channel's recent
 * history is searched for the card by its message metadata before posting again.
 */
export async function postCard(deps: CardDeps, ticketId: string): Promise<void> {
  const now = new Date();
  const claimed = await deps.models.Ticket.findOneAndUpdate(
    { _id: ticketId, 'card.ts': { $in: [null] }, 'card.claimUntil': { $not: { $gt: now } } },
    { $set: { 'card.claimUntil': new Date(now.getTime() + LEASE_MS), 'card.attemptedAt': deps.clock.now() } },
    { returnDocument: 'before' },
  );
  if (!claimed) {
    const ticket = await deps.models.Ticket.findById(ticketId, { card: 1 }).lean();
    if (!ticket) return;
    if (ticket.card?.ts) return updateCard(deps, ticketId);
    throw new BusyElsewhereError('another worker is posting this card');
  }
  try {
    if (claimed.card?.uncertain) {
      const found = await findPostedCard(deps, claimed);
      if (found) {
        await recordCard(deps, claimed, found.channel, found.ts);
        return updateCard(deps, ticketId);
      }
    }
    const { text, blocks } = render(claimed, deps.policy);
    let res;
    try {
      res = await deps.slackNoRetry.chat.postMessage({
        channel: deps.channel,
        text,
        blocks,
        unfurl_links: false,
        unfurl_media: false,
        metadata: { event_type: CARD_EVENT_TYPE, event_payload: { ticket_id: claimed.id, ticket_key: claimed.key } },
      });
    } catch (err) {
      if (mayHaveReachedSlack(err)) await deps.models.Ticket.updateOne({ _id: claimed._id }, { $set: { 'card.uncertain': true } });
      throw err;
    }
    if (!res.ts || !res.channel) throw new Error('chat.postMessage answered without channel/ts');
    await recordCard(deps, claimed, res.channel, res.ts);
    deps.logger.info({ ticket: claimed.key, channel: res.channel, ts: res.ts }, 'card posted');
  } finally {
    await deps.models.Ticket.updateOne({ _id: claimed._id }, { $set: { 'card.claimUntil': null } });
  }
  // Changes made while the card was being posted: render once more from the stored ticket.
  await updateCard(deps, ticketId);
}

async function recordCard(deps: CardDeps, ticket: TicketDoc, channel: string, ts: string): Promise<void> {
  await deps.models.Ticket.updateOne(
    { _id: ticket._id, 'card.ts': { $in: [null] } },
    { $set: { 'card.channel': channel, 'card.ts': ts, 'card.postedAt': deps.clock.now(), 'card.uncertain': false } },
  );
}

async function findPostedCard(deps: CardDeps, ticket: TicketDoc): Promise<{ channel: string; ts: string } | undefined> {
  const oldest = ticket.card?.attemptedAt ? String(Math.floor(ticket.card.attemptedAt.getTime() / 1000) - 60) : undefined;
  const res = await deps.slack.conversations.history({ channel: deps.channel, limit: 200, include_all_metadata: true, ...(oldest ? { oldest } : {}) });
  const hit = res.messages?.find((m) => {
    const meta = (m as { metadata?: { event_type?: string; event_payload?: { ticket_id?: string } } }).metadata;
    return meta?.event_type === CARD_EVENT_TYPE && meta.event_payload?.ticket_id === ticket.id;
  });
  return hit?.ts ? { channel: deps.channel, ts: hit.ts } : undefined;
}

/** Re-renders the card from the stored ticket; a card not yet posted is left to the post job. */
export async function updateCard(deps: CardDeps, ticketId: string): Promise<void> {
  const ticket = await deps.models.Ticket.findById(ticketId);
  if (!ticket?.card?.ts || !ticket.card.channel) return;
  const { text, blocks } = render(ticket, deps.policy);
  await deps.slack.chat.update({ channel: ticket.card.channel, ts: ticket.card.ts, text, blocks });
}

/** Posts one timeline event in the card's thread, once: the event's `slackTs` records that it was posted. */
export async function postThreadNote(deps: CardDeps, ticketId: string, eventId: string): Promise<void> {
  const ticket = await deps.models.Ticket.findById(ticketId);
  const event = ticket?.timeline.find((e) => String(e._id) === eventId);
  if (!ticket || !event || event.slackTs) return;
  if (!ticket.card?.ts || !ticket.card.channel) throw new Error(`card of ${ticket.key} is not posted yet; the note waits for it`);
  const res = await deps.slackNoRetry.chat.postMessage({
    channel: ticket.card.channel,
    thread_ts: ticket.card.ts,
    text: threadNoteText(event),
    unfurl_links: false,
    unfurl_media: false,
  });
  await deps.models.Ticket.updateOne({ _id: ticket._id, 'timeline._id': event._id }, { $set: { 'timeline.$.slackTs': res.ts ?? 'posted' } });
}
