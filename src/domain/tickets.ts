import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import { nextSequence } from '../db/models/counter.js';
import { isDuplicateKeyError } from '../db/models/idempotency-key.js';
import type { TicketDoc } from '../db/models/ticket.js';
import type { DomainDeps } from './deps.js';
import { DomainError, TicketNotFoundError } from './errors.js';
import { acknowledgementId } from './acknowledgement.js';
import { messageIdFor } from './outbox.js';
import { suggestTriage } from './triage-rules.js';
import { updateSlaState } from './sla-state.js';
import { ticketKey, type Actor, type Category, type Priority, type Source } from './types.js';
import type { DeclaredVia } from './incidents/declare.js';
import { similarityOf } from './similarity.js';

export interface NewTicket {
  source: Source;
  requester: { email: string; name?: string };
  subject: string;
  body: string;
  category?: Category;
  priority?: Priority;
  externalId?: string;
  metadata?: Record<string, unknown>;
  attachments?: Array<{ filename: string; contentType: string; size: number; stored: boolean }>;
  email?: { messageId?: string; references?: string[]; automated: boolean; to?: string };
  /** The Slack user who opened it, for tickets opened from Slack. */
  openedBy?: Actor;
  /**
   * Keys that identify this request (webhook-id, externalId, Message-ID, content hash…). Any of them
   * seen before returns the ticket it made instead of a new one. The first key also fixes the ticket's _id,
   * so a crash between storing the keys and storing the ticket is repaired by the retry.
   */
  idempotencyKeys: [string, ...string[]];
  /** Email an auto-acknowledgement to the requester. */
  acknowledge: boolean;
  /** For mail: its From passed authentication (the address is verified, see the Ticket model). */
  senderAuthenticated?: boolean;
  /** A P0 that opens its incident at once (monitoring webhooks, `/support incident`, a P0 chosen in the form). */
  declareIncident?: { actor: Actor; via: DeclaredVia };
}

export interface CreateResult {
  ticket: TicketDoc;
  created: boolean;
}

/** A deterministic ObjectId for a key: retries of the same request aim at the same document. */
function idFor(key: string): Types.ObjectId {
  return new Types.ObjectId(createHash('sha256').update(key).digest('hex').slice(0, 24));
}

/**
 * Stores a new ticket exactly once per request in three commands (a replay's lookup, the number, the insert
 * carrying the request's keys under a unique index). The insert also records its follow-ups (storm
 * grouping, card, acknowledgement, a P0's incident: src/flows/ticket-intake.ts) claimed by this process,
 * which starts them after the answer; if it dies, the claim runs out and another process takes them over.
 */
export async function createTicket(deps: DomainDeps, input: NewTicket): Promise<CreateResult> {
  const { models, clock } = deps;
  const keys = [...new Set(input.idempotencyKeys)];
  const known = await models.Ticket.findOne({ idempotencyKeys: { $in: keys } });
  if (known) {
    // A replay of a request whose follow-ups a crash may have cut off: asking again is a no-op otherwise.
    if (!known.card?.ts && !known.storm?.grouped) await deps.effects.ticketIntake(known.id);
    return { ticket: known, created: false };
  }

  const now = clock.now();
  const suggestion = suggestTriage(deps.rules, input.subject, input.body);
  const number = await nextSequence(models.Counter, 'ticket');
  const priority = input.priority ?? null;
  const category = input.category ?? null;
  const messageIds = [input.email?.messageId, ...(input.email?.references ?? [])].filter((m): m is string => !!m);
  const held = deps.effects.intakeClaim();
  const ticket = new models.Ticket({
    _id: idFor(keys[0]!),
    number,
    key: ticketKey(number),
    source: input.source,
    requester: { email: input.requester.email, name: input.requester.name, verified: verifiedBy(input) },
    subject: input.subject,
    body: input.body,
    category,
    suggestedCategory: suggestion.category,
    priority,
    suggestedPriority: suggestion.priority,
    status: priority && category ? 'triaged' : 'new',
    externalId: input.externalId,
    idempotencyKeys: keys,
    similarity: similarityOf(input),
    metadata: input.metadata,
    attachments: input.attachments ?? [],
    email: {
      messageIds: input.email?.messageId ? [input.email.messageId] : [],
      lastMessageId: input.email?.messageId,
      automated: input.email?.automated ?? false,
      to: input.email?.to,
    },
    intake: {
      acknowledge: input.acknowledge,
      ...(input.declareIncident ? { declare: input.declareIncident } : {}),
      // Stored claimed by this process, which works the intake at once: the insert is the claim.
      ...held,
    },
    timeline: [
      {
        at: now,
        actor: input.openedBy ?? { type: 'requester', id: input.requester.email, name: input.requester.name },
        kind: 'created',
        text: `Ticket opened via ${input.source}`,
        data: {
          suggestedPriority: suggestion.priority,
          suggestedCategory: suggestion.category,
          references: messageIds.slice(-20),
        },
      },
    ],
    createdAt: now,
    updatedAt: now,
  });
  updateSlaState(ticket, deps.policy, now);
  // Replies to the acknowledgement carry its Message-ID: record it now, in the same write as the ticket.
  if (input.acknowledge && !input.email?.automated) {
    ticket.email!.messageIds = [
      ...(input.email?.messageId ? [input.email.messageId] : []),
      messageIdFor(deps.settings, acknowledgementId(ticket), input.requester.email),
    ];
  }
  try {
    await ticket.save();
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
    // A concurrent duplicate of this request stored its ticket first (numbers never collide: one atomic $inc).
    const theirs = await models.Ticket.findOne({ idempotencyKeys: { $in: keys } });
    if (theirs) return { ticket: theirs, created: false };
    throw err;
  }
  deps.logger.info({ ticket: ticket.key, source: input.source }, 'ticket created');
  await deps.effects.ticketIntake(ticket.id, held ? { owner: held.owner, ticket } : undefined);
  return { ticket, created: true };
}

/** How the requester's address is known to be theirs, if it is (mail to many goes to verified ones only). */
function verifiedBy(input: NewTicket): 'mail' | 'webhook' | 'agent' | 'github' | undefined {
  if (input.source === 'webhook') return 'webhook';
  // GitHub's signed delivery names the author.
  if (input.source === 'github') return 'github';
  if (input.source === 'slack') return 'agent';
  return input.senderAuthenticated ? 'mail' : undefined;
}

/** The fields a form about a ticket shows (reply, resolution, escalation): read once, then refused or handed to the form. */
const FORM_FIELDS = { key: 1, subject: 1, requester: 1, status: 1, priority: 1, escalationLevel: 1 } as const;

/** The ticket as a form shows it; refused (DomainError) when it is gone or when `refusal` says why not. */
export async function ticketForForm(
  deps: Pick<DomainDeps, 'models'>,
  ticketId: string,
  refusal: (ticket: { key: string; status: string; escalationLevel?: string | null }) => string | undefined,
) {
  const ticket = await deps.models.Ticket.findById(ticketId, FORM_FIELDS).lean();
  if (!ticket) throw new TicketNotFoundError('That ticket no longer exists.');
  const why = refusal(ticket);
  if (why) throw new DomainError(why);
  return ticket;
}

/** Where a ticket's card is, once posted. */
export async function cardOf(
  deps: Pick<DomainDeps, 'models'>,
  ticketId: string,
): Promise<{ channel: string; ts: string } | undefined> {
  const t = await deps.models.Ticket.findById(ticketId, { card: 1 }).lean();
  return t?.card?.channel && t.card.ts ? { channel: t.card.channel, ts: t.card.ts } : undefined;
}

/** The card is posted by a durable job a moment after the ticket is stored: waits up to `withinMs` for it (a confirmation can then link it). */
export async function waitForCard(
  deps: Pick<DomainDeps, 'models'>,
  ticketId: string,
  withinMs = 5_000,
): Promise<{ channel: string; ts: string } | undefined> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const card = await cardOf(deps, ticketId);
    if (card || Date.now() >= deadline) return card;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The ticket whose card is the message `ts` in `channel` (the parent of a thread), if any. */
export async function ticketByCard(
  deps: Pick<DomainDeps, 'models'>,
  card: { channel: string; ts: string },
): Promise<{ id: string; key: string } | null> {
  const t = await deps.models.Ticket.findOne(
    { 'card.ts': card.ts, 'card.channel': card.channel },
    { _id: 1, key: 1 },
  ).lean();
  return t ? { id: String(t._id), key: t.key } : null;
}

export async function findTicketByKey(deps: Pick<DomainDeps, 'models'>, key: string): Promise<TicketDoc | null> {
  const m = /^SUP-(\d+)$/i.exec(key.trim());
  return m ? deps.models.Ticket.findOne({ number: Number(m[1]) }) : null;
}
