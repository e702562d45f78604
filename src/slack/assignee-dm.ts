import { withLease } from '../db/lease.js';
import { isDuplicateKeyError } from '../db/models/idempotency-key.js';
import { assigneeDmText } from '../../views/assignee-dm.js';
import type { CardDeps } from './cards.js';
import { slackErrorCode } from './errors.js';

/** Answers that no retry will change: the DM is given up (the thread note still mentions the assignee). */
const UNREACHABLE = new Set(['user_not_found', 'account_inactive', 'cannot_dm_bot', 'user_disabled', 'channel_not_found']);

/**
 * DMs the assignee of an `assigned` event a link to the card, once: a marker under a unique `_id` records
 * the DM after Slack accepted it, and a lease keeps two workers from sending it at the same time. A DM for
 * an assignment that was superseded before it went out is dropped: it would point someone at a ticket that
 * is no longer theirs.
 */
export async function sendAssigneeDm(deps: CardDeps, ticketId: string, eventId: string): Promise<void> {
  const marker = `assignee-dm:${eventId}`;
  await withLease(
    deps.models.Lease,
    `dm:${eventId}`,
    async () => {
      if (await deps.models.IdempotencyKey.exists({ _id: marker })) return;
      const ticket = await deps.models.Ticket.findById(ticketId);
      const event = ticket?.timeline.find((e) => String(e._id) === eventId);
      const data = (event?.data ?? {}) as { assignee?: string; previous?: string | null };
      if (!ticket || !event || !data.assignee || ticket.assignee !== data.assignee) return;
      if (!ticket.card?.ts || !ticket.card.channel) throw new Error(`card of ${ticket.key} is not posted yet; the assignee DM waits for it`);
      const { permalink } = await deps.slack.chat.getPermalink({ channel: ticket.card.channel, message_ts: ticket.card.ts });
      if (!permalink) throw new Error('chat.getPermalink answered without a permalink');
      const text = assigneeDmText({
        key: ticket.key,
        subject: ticket.subject,
        priority: ticket.priority ?? null,
        by: event.actor?.type === 'user' ? (event.actor.id ?? undefined) : undefined,
        previous: data.previous,
        permalink,
      });
      try {
        // Posting to a user id lands in the app's DM with them; the no-retry client, as a retried post could post twice.
        await deps.slackNoRetry.chat.postMessage({ channel: data.assignee, text, unfurl_links: false, unfurl_media: false });
      } catch (err) {
        const code = slackErrorCode(err);
        if (!code || !UNREACHABLE.has(code)) throw err;
        deps.logger.warn({ ticket: ticket.key, assignee: data.assignee, error: code }, 'assignee cannot be sent a DM; giving up');
      }
      await deps.models.IdempotencyKey.create({ _id: marker, ticketId: ticket._id, createdAt: deps.clock.now() }).catch((err: unknown) => {
        if (!isDuplicateKeyError(err)) throw err;
      });
    },
    { ttlMs: 60_000, waitMs: 0 },
  );
}
