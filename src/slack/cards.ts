import type { WebClient } from '@slack/web-api';
import type { Models } from '../db/models/index.js';
import type { TicketDoc } from '../db/models/ticket.js';
import type { SlaPolicy } from '../domain/sla-policy.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { ticketCard } from '../../views/ticket-card.js';
import { threadNoteText } from '../../views/thread-note.js';
import { BusyElsewhereError, mayHaveReachedSlack } from './errors.js';
import { LeaseBusyError, withLease } from '../db/lease.js';
import { patchTicket, ticketLeaseKey } from '../db/ticket-writes.js';

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

/**
 * Posts the ticket's card exactly once. A lease lets one worker post at a time (across processes); when an
 * earlier attempt's outcome is unknown (timeout, 5xx, crash after Slack answered), the channel's recent
 * history is searched for the card by its message metadata before posting again.
 */
export async function postCard(deps: CardDeps, ticketId: string): Promise<void> {
  let renderedVersion: number | undefined;
  const posted = await withLease(
    deps.models.Lease,
    `card:${ticketId}`,
    async () => {
      const ticket = await deps.models.Ticket.findById(ticketId);
      if (!ticket) return false;
      if (ticket.card?.ts) return true;
      if (ticket.card?.uncertain) {
        const found = await findPostedCard(deps, ticket);
        if (found) {
          await recordCard(deps, ticket, found.channel, found.ts);
          return true;
        }
      }
      const { text, blocks } = render(ticket, deps.policy);
      renderedVersion = ticket.updatedAt.getTime();
      let res;
      try {
        res = await deps.slackNoRetry.chat.postMessage({
          channel: deps.channel,
          text,
          blocks,
          unfurl_links: false,
          unfurl_media: false,
          metadata: { event_type: CARD_EVENT_TYPE, event_payload: { ticket_id: ticket.id, ticket_key: ticket.key } },
        });
      } catch (err) {
        if (mayHaveReachedSlack(err)) await patchTicket(deps.models, ticket.id, { $set: { 'card.uncertain': true } });
        throw err;
      }
      if (!res.ts || !res.channel) throw new Error('chat.postMessage answered without channel/ts');
      await recordCard(deps, ticket, res.channel, res.ts);
      deps.logger.info({ ticket: ticket.key, channel: res.channel, ts: res.ts }, 'card posted');
      return true;
    },
    { ttlMs: 60_000, waitMs: 0 },
  ).catch((err: unknown) => {
    if (err instanceof LeaseBusyError) throw new BusyElsewhereError('another worker is posting this card');
    throw err;
  });
  // Changes made while the card was being posted (or a card found already posted): render once more.
  if (!posted) return;
  const current = await deps.models.Ticket.findById(ticketId, { updatedAt: 1 }).lean();
  if (renderedVersion === undefined || current?.updatedAt.getTime() !== renderedVersion) await updateCard(deps, ticketId);
}

async function recordCard(deps: CardDeps, ticket: TicketDoc, channel: string, ts: string): Promise<void> {
  await patchTicket(deps.models, ticket.id, { $set: { 'card.channel': channel, 'card.ts': ts, 'card.postedAt': deps.clock.now(), 'card.uncertain': false } });
}

async function findPostedCard(deps: CardDeps, ticket: TicketDoc): Promise<{ channel: string; ts: string } | undefined> {
  // The card cannot be older than the ticket (a minute of slack for clock skew between us and Slack).
  const oldest = String(Math.floor(ticket.createdAt.getTime() / 1000) - 60);
  const res = await deps.slack.conversations.history({ channel: deps.channel, limit: 200, include_all_metadata: true, oldest });
  const hit = res.messages?.find((m) => {
    const meta = (m as { metadata?: { event_type?: string; event_payload?: { ticket_id?: string } } }).metadata;
    return meta?.event_type === CARD_EVENT_TYPE && meta.event_payload?.ticket_id === ticket.id;
  });
  return hit?.ts ? { channel: deps.channel, ts: hit.ts } : undefined;
}

/**
 * Re-renders the card from the stored ticket; a card not yet posted is left to the post job. Updates of one
 * card take turns, each reading the ticket only once it holds the lease: otherwise a run that read an older
 * state could reach Slack after a newer one and leave the card behind the ticket (two agents acting at once).
 */
export async function updateCard(deps: CardDeps, ticketId: string): Promise<void> {
  await withLease(
    deps.models.Lease,
    `card-update:${ticketId}`,
    async () => {
      const ticket = await deps.models.Ticket.findById(ticketId);
      if (!ticket?.card?.ts || !ticket.card.channel) return;
      const { text, blocks } = render(ticket, deps.policy);
      await deps.slack.chat.update({ channel: ticket.card.channel, ts: ticket.card.ts, text, blocks });
    },
    { ttlMs: 60_000, waitMs: 20_000 },
  );
}

/** Posts one timeline event in the card's thread, once: the event's `slackTs` records that it was posted. */
export async function postThreadNote(deps: CardDeps, ticketId: string, eventId: string): Promise<void> {
  await withLease(deps.models.Lease, `note:${eventId}`, () => postThreadNoteOnce(deps, ticketId, eventId), { ttlMs: 60_000, waitMs: 0 });
}

async function postThreadNoteOnce(deps: CardDeps, ticketId: string, eventId: string): Promise<void> {
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
  await withLease(deps.models.Lease, ticketLeaseKey(ticket.id), async () => {
    const fresh = await deps.models.Ticket.findById(ticket._id);
    const target = fresh?.timeline.find((e) => String(e._id) === eventId);
    if (!fresh || !target) return;
    target.slackTs = res.ts ?? 'posted';
    await fresh.save();
  }, { ttlMs: 15_000, waitMs: 10_000 });
}
