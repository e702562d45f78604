import type { AppContext } from '../context.js';
import type { TicketDoc } from '../db/models/ticket.js';
import { DeliveryKinds, OnceKeys } from '../db/once-keys.js';
import { similarMatches } from '../domain/knowledge-search.js';
import { helpLink } from '../domain/self-help.js';
import { SlackPriority, withSlackPriority } from '../slack/channel-queue.js';
import { postCard } from '../slack/cards.js';
import { postMessageOnce } from '../slack/post-once.js';
import { workspaceUrl } from '../slack/workspace-url.js';
import { similarMatchesMessage } from '../../views/knowledge.js';

export const SIMILAR_EVENT_TYPE = 'deskbell_similar_matches';

/** The card's own effect (a card that did not go with its intake): the card, then its matches are asked for. */
export async function postCardThenMatches(
  ctx: AppContext,
  ticketId: string,
  job: { name: string; data: Record<string, string> },
): Promise<void> {
  const ticket = await postCard(ctx, ticketId, job);
  if (ticket) await askForSimilarMatches(ctx, ticket);
}

/**
 * A burst of new tickets reads the knowledge base's changes once a second, not once each (this process's
 * own articles and resolutions count at once: src/domain/knowledge-index.ts).
 */
const SIMILAR_SYNC_MS = 1000;

/**
 * The knowledge base's best matches go in the card's thread as an effect of their own, asked only when
 * there are some (the search runs here, in memory): a search never holds a card up.
 */
export async function askForSimilarMatches(
  ctx: AppContext,
  ticket: Pick<TicketDoc, 'id' | 'key' | 'subject' | 'body'>,
): Promise<void> {
  try {
    const text = { id: ticket.id, subject: ticket.subject, body: ticket.body };
    if ((await similarMatches(ctx, text, { maxAgeMs: SIMILAR_SYNC_MS })).length)
      await ctx.effects.similarMatches(ticket.id);
  } catch (err) {
    ctx.logger.warn({ ticket: ticket.key, err: (err as Error).message }, 'no similar matches: the search failed');
  }
}

/**
 * The three best matches among articles and recently solved tickets, in a new card's thread, once. Runs
 * after the card (it waits for it, retrying); nothing is posted when nothing matches.
 */
export async function postSimilarMatches(
  ctx: AppContext,
  ticketId: string,
  job?: { name: string; data: Record<string, string> },
): Promise<void> {
  const ticket = await ctx.models.Ticket.findById(ticketId, {
    key: 1,
    subject: 1,
    body: 1,
    card: 1,
    storm: 1,
    createdAt: 1,
  }).lean();
  if (!ticket || (!ticket.card?.ts && ticket.storm?.grouped)) return;
  if (!ticket.card?.ts || !ticket.card.channel)
    throw new Error(`card of ${ticket.key} is not posted yet; its similar matches wait for it`);
  const matches = await similarMatches(ctx, { id: ticketId, subject: ticket.subject, body: ticket.body });
  if (!matches.length) return;
  const publicPages = ctx.settings.knowledge.publicEnabled;
  const message = similarMatchesMessage({ id: ticketId, key: ticket.key }, matches, {
    workspaceUrl: await workspaceUrl(ctx.slack),
    articleUrl: (a) => (publicPages && a.visibility === 'public' ? helpLink(ctx, a) : undefined),
  });
  const { channel, ts } = ticket.card;
  // A help for the agent, not a duty: it waits behind every card and note in the channel.
  await withSlackPriority(SlackPriority.background, () =>
    postMessageOnce(ctx, {
      key: OnceKeys.similarMatches(ticketId),
      kind: DeliveryKinds.similarMatches,
      ticketId,
      at: ctx.clock.now(),
      ...(job ? { job } : {}),
      channel,
      threadTs: ts,
      ...message,
      eventType: SIMILAR_EVENT_TYPE,
      payload: { ticket_id: ticketId },
      since: ticket.createdAt,
    }),
  );
}
