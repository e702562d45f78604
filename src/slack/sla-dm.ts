import { withLease } from '../db/lease.js';
import { isDuplicateKeyError } from '../db/models/idempotency-key.js';
import type { ReminderFacts } from '../domain/sla-sweep.js';
import { slaDirectMessageText } from '../../views/sla-notes.js';
import { messageUrl } from '../../views/ticket-list.js';
import type { CardDeps } from './cards.js';
import { slackErrorCode } from './errors.js';
import { workspaceUrl } from './workspace-url.js';

const UNREACHABLE = new Set(['user_not_found', 'account_inactive', 'cannot_dm_bot', 'user_disabled', 'channel_not_found']);

/**
 * DMs the assignee the 75 % reminder of an `sla_warning` event, once: a marker under a unique `_id` is
 * stored after Slack accepted the DM, and a lease keeps two workers from sending at the same time. It goes
 * to whoever is assigned when it is sent (the one who must act), else to the assignee it was meant for.
 */
export async function sendSlaDirectMessage(deps: CardDeps, ticketId: string, eventId: string): Promise<void> {
  const marker = `sla-dm:${eventId}`;
  await withLease(
    deps.models.Lease,
    `dm:${eventId}`,
    async () => {
      if (await deps.models.IdempotencyKey.exists({ _id: marker })) return;
      const ticket = await deps.models.Ticket.findById(ticketId);
      const event = ticket?.timeline.find((e) => String(e._id) === eventId);
      const facts = (event?.data as { sla?: ReminderFacts } | undefined)?.sla;
      const to = ticket?.assignee ?? facts?.assignee;
      if (!ticket || !event || !facts || !to) return;
      const base = ticket.card?.ts && ticket.card.channel ? await workspaceUrl(deps.slack) : undefined;
      const link = base && ticket.card?.channel && ticket.card.ts ? messageUrl(base, ticket.card.channel, ticket.card.ts) : undefined;
      const text = slaDirectMessageText({ ...facts, dueAt: new Date(facts.dueAt) }, ticket, link);
      try {
        await deps.slackNoRetry.chat.postMessage({ channel: to, text, unfurl_links: false, unfurl_media: false });
      } catch (err) {
        const code = slackErrorCode(err);
        if (!code || !UNREACHABLE.has(code)) throw err;
        deps.logger.warn({ ticket: ticket.key, assignee: to, error: code }, 'assignee cannot be sent the SLA reminder by DM; giving up');
      }
      await deps.models.IdempotencyKey.create({ _id: marker, ticketId: ticket._id, createdAt: deps.clock.now() }).catch((err: unknown) => {
        if (!isDuplicateKeyError(err)) throw err;
      });
    },
    { ttlMs: 60_000, waitMs: 0 },
  );
}
