import type { DeskbellApp } from '../../src/app.js';
import { createTicket, type NewTicket } from '../../src/domain/tickets.js';
import { waitFor } from './settle.js';

/** Where a ticket's card was posted, as the app stored it. */
export interface PostedCard {
  id: string;
  key: string;
  channel: string;
  ts: string;
}

/** The ticket as stored once its card is in Slack (the card job stored the message's channel and ts). */
export async function storedWithCard(app: DeskbellApp, id: unknown, timeoutMs = 20_000) {
  return waitFor(
    async () => {
      const doc = await app.context.models.Ticket.findById(id).lean();
      return doc?.card?.ts && doc.card.channel
        ? { ...doc, card: { ...doc.card, channel: doc.card.channel, ts: doc.card.ts } }
        : undefined;
    },
    `the card of ticket ${String(id)}`,
    timeoutMs,
  );
}

/** Waits for the card of ticket `id`: its id, key, channel and ts. */
export async function postedCard(app: DeskbellApp, id: unknown, timeoutMs = 20_000): Promise<PostedCard> {
  const doc = await storedWithCard(app, id, timeoutMs);
  return { id: String(doc._id), key: doc.key, channel: doc.card.channel, ts: doc.card.ts };
}

/**
 * A new untriaged webhook ticket made through the domain (no acknowledgement mail), with its card posted.
 * `overrides` sets anything else of the request; the idempotency key is fresh unless given.
 */
export async function ticketWithCard(
  app: DeskbellApp,
  subject: string,
  overrides: Partial<NewTicket> = {},
): Promise<PostedCard> {
  const { ticket } = await createTicket(app.context, {
    source: 'webhook',
    requester: { email: 'ada@example.com', name: 'Ada Lovelace' },
    subject,
    body: 'Something is broken.',
    idempotencyKeys: [`fixture-${Math.random().toString(36).slice(2)}`],
    acknowledge: false,
    ...overrides,
  });
  return postedCard(app, ticket.id);
}

type TicketInput = Parameters<DeskbellApp['context']['models']['Ticket']['create']>[0];

/**
 * A ticket written straight to the database, as if the process died right after storing it: no card, no
 * mail, no job queued. Numbered `SUP-<number>`, created and updated at the app's clock.
 */
export async function storedTicket(
  app: DeskbellApp,
  number: number,
  fields: { requester: { email: string; name?: string }; subject: string } & Record<string, unknown>,
) {
  const now = app.context.clock.now();
  return app.context.models.Ticket.create({
    number,
    key: `SUP-${number}`,
    source: 'webhook',
    createdAt: now,
    updatedAt: now,
    ...fields,
  } as TicketInput);
}
