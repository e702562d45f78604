import { withLease } from '../db/lease.js';
import { isDuplicateKeyError } from '../db/models/idempotency-key.js';
import type { TicketDoc, TimelineEvent } from '../db/models/ticket.js';
import type { CardDeps } from './cards.js';
import { slackErrorCode } from './errors.js';

/** Answers that no retry will change: the DM is given up (the thread keeps the record). */
const UNREACHABLE = new Set(['user_not_found', 'account_inactive', 'cannot_dm_bot', 'user_disabled', 'channel_not_found']);

export interface DmPlan {
  to: string;
  text: string;
}

/**
 * Sends the DM a timeline event calls for, once: `compose` decides whom and what (or nothing); a marker
 * `<kind>:<eventId>` under a unique `_id` records it after Slack accepted it, and a lease keeps two workers
 * from sending it at the same time. Sent with the no-retry client, as a retried post could arrive twice.
 */
export async function sendEventDm(
  deps: CardDeps,
  kind: string,
  ticketId: string,
  eventId: string,
  compose: (ticket: TicketDoc, event: TimelineEvent) => Promise<DmPlan | undefined>,
): Promise<void> {
  const marker = `${kind}:${eventId}`;
  await withLease(
    deps.models.Lease,
    `dm:${eventId}`,
    async () => {
      if (await deps.models.IdempotencyKey.exists({ _id: marker })) return;
      const ticket = await deps.models.Ticket.findById(ticketId);
      const event = ticket?.timeline.find((e) => String(e._id) === eventId);
      if (!ticket || !event) return;
      const plan = await compose(ticket, event);
      if (!plan) return;
      try {
        await deps.slackNoRetry.chat.postMessage({ channel: plan.to, text: plan.text, unfurl_links: false, unfurl_media: false });
      } catch (err) {
        const code = slackErrorCode(err);
        if (!code || !UNREACHABLE.has(code)) throw err;
        deps.logger.warn({ ticket: ticket.key, to: plan.to, error: code, kind }, 'user cannot be sent a DM; giving up');
      }
      await deps.models.IdempotencyKey.create({ _id: marker, ticketId: ticket._id, createdAt: deps.clock.now() }).catch((err: unknown) => {
        if (!isDuplicateKeyError(err)) throw err;
      });
    },
    { ttlMs: 60_000, waitMs: 0 },
  );
}
