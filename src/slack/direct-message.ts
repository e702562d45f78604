import { DeliveryKinds, OnceKeys } from '../db/once-keys.js';
import type { TicketDoc, TimelineEvent } from '../db/models/ticket.js';
import type { CardDeps } from './cards.js';
import { slackErrorCode } from './errors.js';
import { postMessageOnce } from './post-once.js';

/** Answers that no retry will change: the DM is given up (the thread keeps the record). */
const UNREACHABLE = new Set([
  'user_not_found',
  'account_inactive',
  'cannot_dm_bot',
  'user_disabled',
  'channel_not_found',
]);

export const DM_EVENT_TYPE = 'deskbell_event_dm';

export interface DmPlan {
  to: string;
  text: string;
}

/**
 * Sends the DM a timeline event calls for, once (src/slack/post-once.ts): `compose` decides whom and what
 * (or nothing). A user Slack will never reach is logged and given up.
 */
export async function sendEventDm(
  deps: CardDeps,
  kind: string,
  ticketId: string,
  eventId: string,
  compose: (ticket: TicketDoc, event: TimelineEvent) => Promise<DmPlan | undefined>,
  job?: { name: string; data: Record<string, string> },
): Promise<void> {
  const ticket = await deps.models.Ticket.findById(ticketId);
  const event = ticket?.timeline.find((e) => String(e._id) === eventId);
  if (!ticket || !event) return;
  const key = OnceKeys.eventDm(kind, eventId);
  if (await deps.models.Delivery.exists({ _id: key, state: 'done' })) return;
  const plan = await compose(ticket, event);
  if (!plan) return;
  try {
    await postMessageOnce(deps, {
      key,
      kind: DeliveryKinds.dm,
      ticketId: ticket._id,
      at: deps.clock.now(),
      ...(job ? { job } : {}),
      channel: plan.to,
      text: plan.text,
      eventType: DM_EVENT_TYPE,
      payload: { ticket_id: ticket.id, event_id: eventId },
      since: event.at,
    });
  } catch (err) {
    const code = slackErrorCode(err);
    if (!code || !UNREACHABLE.has(code)) throw err;
    deps.logger.warn({ ticket: ticket.key, to: plan.to, error: code, kind }, 'user cannot be sent a DM; giving up');
  }
}
