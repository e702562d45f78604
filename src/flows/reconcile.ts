import type { Types } from 'mongoose';
import type { AppContext } from '../context.js';
import { acknowledgementId, queueAcknowledgement } from '../domain/acknowledgement.js';
import { messageIdFor, queueMail, type QueuedMail } from '../domain/outbox.js';
import { OnceKeys } from '../db/once-keys.js';
import type { TicketDoc } from '../db/models/ticket.js';
import { effectKey, type EffectAsk } from '../db/effect-queue.js';
import { EffectNames } from '../delivery/names.js';

/** Work younger than this is left to the effect that was asked for it in the same request. */
const GRACE_MS = 30_000;
const PAGE = 200;
const TICKET_SCAN = 'reconcile.tickets';

/**
 * The safety net behind "persist first": whatever a crash between a write and its effect's record, or
 * retries given up, left undone is found and asked for again. An ask for an effect that is already waiting
 * or being worked is never made (one query of the effect queue a page), and could not double it anyway:
 * an effect's record is keyed by the effect. No horizon: each part walks everything still pending, in
 * order, page by page.
 * 1. deliveries not done (given up, or claimed by a worker that vanished), oldest first;
 * 2. tickets without a card whose intake no live process holds (storm grouping, card, acknowledgement);
 * 3. outbox mails not sent, and bugs not yet filed in their tracker;
 * 4. every ticket change since the last run (a checkpoint in the tickets' update order): thread notes not
 *    posted, mails stored on an event but not in the outbox, event DMs and GitHub issue comments,
 *    acknowledgements never queued.
 */
export async function reconcileOutbox(
  ctx: AppContext,
  onPage: () => Promise<void> = async () => undefined,
): Promise<void> {
  const before = new Date(ctx.clock.now().getTime() - GRACE_MS);
  await redoStalledDeliveries(ctx, before, onPage);
  const { Ticket, OutboundMail } = ctx.models;
  // Tickets grouped in a storm have no card of their own on purpose: the storm's card counts them.
  // A ticket whose intake a live process holds gets its card from it (src/domain/intake-claim.ts).
  const cardless = {
    'card.ts': null,
    'storm.grouped': { $ne: true },
    createdAt: { $lt: before },
    $or: [{ 'intake.owner': null }, { 'intake.deadline': { $lte: new Date() } }],
  };
  const tickets = (f: object) => Ticket.find(f, { _id: 1 }).sort({ _id: 1 }).limit(PAGE).lean();
  await askForOwed(ctx, onPage, tickets, cardless, {
    toAsk: (id) => ({ name: EffectNames.ticketIntake, data: { ticketId: id } }),
    // An intake that left the card to an effect of its own (the channel was backlogged) is in hand too.
    alsoInHand: (id) => [effectKey(EffectNames.postCard, { ticketId: id })],
  });
  const unsent = { status: 'queued', createdAt: { $lt: before } };
  const mails = (f: object) => OutboundMail.find(f, { _id: 1 }).sort({ _id: 1 }).limit(PAGE).lean();
  await askForOwed(ctx, onPage, mails, unsent, {
    toAsk: (id) => ({ name: EffectNames.sendMail, data: { outboxId: id } }),
  });
  // Bugs asked to be filed whose effect a crash or a long tracker outage left without a worker.
  const filing = { state: 'filing', createdAt: { $lt: before } };
  const bugs = (f: object) => ctx.models.Bug.find(f, { _id: 1 }).sort({ _id: 1 }).limit(PAGE).lean();
  await askForOwed(ctx, onPage, bugs, filing, { toAsk: (id) => ({ name: EffectNames.fileBug, data: { bugId: id } }) });
  await scanTicketChanges(ctx, before, onPage);
}

async function redoStalledDeliveries(ctx: AppContext, before: Date, onPage: () => Promise<void>): Promise<void> {
  const stalled = {
    createdAt: { $lt: before },
    $or: [{ state: 'pending' }, { state: 'sending', deadline: { $lt: new Date() } }],
  };
  const find = (q: object) =>
    ctx.models.Delivery.find({ $and: [stalled, q] }, { job: 1 })
      .sort({ _id: 1 })
      .limit(PAGE)
      .lean();
  await pageById(find, onPage, (page) => {
    const jobs = page.map((d) => d.job as { name?: string; data?: Record<string, string> } | undefined);
    const asks = jobs.filter((j): j is EffectAsk => !!j?.name && !!j.data && ctx.worker.knows(j.name));
    return askMissing(ctx, asks, (ask) => ask);
  });
}

/**
 * Asks for the effects of `items` that are neither waiting nor being worked (one query), and, with
 * `stillOwed`, still owed when read again after that query (one more): an effect writes its result before
 * its record goes, so an item the first read saw undone may have been done by an effect since gone.
 */
async function askMissing<T>(
  ctx: AppContext,
  items: T[],
  toAsk: (item: T) => EffectAsk,
  stillOwed?: (items: T[]) => Promise<T[]>,
  /** Other effects that, queued, also do what the item is owed. */
  alsoInHand: (item: T) => string[] = () => [],
): Promise<void> {
  if (!items.length) return;
  const keysOf = (item: T) => {
    const a = toAsk(item);
    return [effectKey(a.name, a.data), ...alsoInHand(item)];
  };
  const keys = items.flatMap(keysOf);
  const queued = new Set((await ctx.models.Effect.find({ _id: { $in: keys } }, { _id: 1 }).lean()).map((e) => e._id));
  let missing = items.filter((item) => !keysOf(item).some((k) => queued.has(k)));
  if (missing.length && stillOwed) missing = await stillOwed(missing);
  for (const item of missing) await ctx.worker.ask(toAsk(item));
}

/**
 * Walks the items `owed` matches (`find`: a page of them, in `_id` order, for a filter) and asks for the
 * effect each is owed where no queued effect has it in hand; an item is read again (same filter) before.
 */
async function askForOwed(
  ctx: AppContext,
  onPage: () => Promise<void>,
  find: (filter: object) => Promise<Array<{ _id: unknown }>>,
  owed: object,
  effect: { toAsk: (id: string) => EffectAsk; alsoInHand?: (id: string) => string[] },
): Promise<void> {
  const ids = (docs: Array<{ _id: unknown }>) => docs.map((d) => String(d._id));
  const stillOwed = async (some: string[]) => ids(await find({ _id: { $in: some }, ...owed }));
  await pageById(
    (after) => find({ $and: [owed, after] }),
    onPage,
    (page) => askMissing(ctx, ids(page), effect.toAsk, stillOwed, effect.alsoInHand),
  );
}

/** Walks a query in `_id` order, a page at a time (bounded memory, no skip). */
async function pageById<T extends { _id: unknown }>(
  find: (after: object) => Promise<T[]>,
  onPage: () => Promise<void>,
  each: (page: T[]) => Promise<void>,
): Promise<void> {
  let after: object = {};
  for (;;) {
    const page = await find(after);
    await each(page);
    if (page.length < PAGE) return;
    after = { _id: { $gt: page[page.length - 1]!._id } };
    await onPage();
  }
}

async function scanTicketChanges(ctx: AppContext, before: Date, onPage: () => Promise<void>): Promise<void> {
  const { Ticket, Checkpoint } = ctx.models;
  const stored = await Checkpoint.findById(TICKET_SCAN).lean();
  let mark: { at: Date; lastId: Types.ObjectId } | undefined = stored?.lastId
    ? { at: stored.at, lastId: stored.lastId }
    : undefined;
  for (;;) {
    const range = { updatedAt: { $lte: before } };
    const query = mark
      ? {
          ...range,
          $or: [{ updatedAt: { $gt: mark.at, $lte: before } }, { updatedAt: mark.at, _id: { $gt: mark.lastId } }],
        }
      : range;
    const page = await Ticket.find(query).sort({ updatedAt: 1, _id: 1 }).limit(PAGE);
    const known = await whatPageHas(ctx, page);
    for (const ticket of page) await reconcileTicket(ctx, ticket, known);
    if (!page.length) return;
    const last = page[page.length - 1]!;
    const next = { at: last.updatedAt, lastId: last._id as Types.ObjectId };
    mark = next;
    // Moving forward only: of two sweeps racing, the one further along wins.
    const moved = await Checkpoint.updateOne(
      { _id: TICKET_SCAN, $or: [{ at: { $lt: next.at } }, { at: next.at, lastId: { $lt: next.lastId } }] },
      { $set: next },
    );
    if (moved.matchedCount === 0 && !stored)
      await Checkpoint.create({ _id: TICKET_SCAN, ...next }).catch(() => undefined);
    if (page.length < PAGE) return;
    await onPage();
  }
}

/** A live process holds the ticket's intake (src/domain/intake-claim.ts): it sends the acknowledgement. */
function intakeHeld(ticket: TicketDoc): boolean {
  const deadline = ticket.intake?.deadline;
  return !!ticket.intake?.owner && !!deadline && deadline.getTime() > Date.now();
}

/** What a page of tickets already has, read with one query per collection (not one per ticket). */
interface PageState {
  /** Tickets whose intake is queued or held by a live process: it sends their acknowledgement. */
  inIntake: Set<string>;
  /** Outbox mails that exist (acknowledgements and event mails of the page). */
  mails: Set<string>;
  /** Once-only DMs and issue comments that are done. */
  sent: Set<string>;
  /** Tickets whose acknowledgement was promised (its Message-ID is on the ticket, stored with it). */
  ackPromised: Set<string>;
  /** The DMs and issue comments each ticket's events call for. */
  dms: Map<string, DmDue[]>;
}

async function whatPageHas(ctx: AppContext, page: TicketDoc[]): Promise<PageState> {
  const ids = (docs: Array<{ _id: unknown }>) => new Set(docs.map((d) => String(d._id)));
  const intakeKeys = page.map((t) => effectKey(EffectNames.ticketIntake, { ticketId: String(t._id) }));
  const queued = ids(await ctx.models.Effect.find({ _id: { $in: intakeKeys } }, { _id: 1 }).lean());
  const inIntake = new Set(
    page.filter((t, i) => intakeHeld(t) || queued.has(intakeKeys[i]!)).map((t) => String(t._id)),
  );
  const ackPromised = new Set(page.filter((t) => owesAcknowledgement(ctx, t)).map((t) => String(t._id)));
  const dms = new Map(page.map((t) => [String(t._id), dmsOf(t)]));
  const mailIds = page.flatMap((t) => [
    ...(ackPromised.has(String(t._id)) ? [acknowledgementId(t)] : []),
    ...eventMailIds(t),
  ]);
  const dmKeys = [...dms.values()].flat().map((d) => d.key);
  const [mails, sent] = await Promise.all([
    mailIds.length ? ctx.models.OutboundMail.find({ _id: { $in: mailIds } }, { _id: 1 }).lean() : [],
    dmKeys.length ? ctx.models.Delivery.find({ _id: { $in: dmKeys }, state: 'done' }, { _id: 1 }).lean() : [],
  ]);
  return { inIntake, mails: ids(mails), sent: ids(sent), ackPromised, dms };
}

/** The ticket's acknowledgement was promised (its Message-ID is on the ticket, stored with it). */
function owesAcknowledgement(ctx: AppContext, ticket: TicketDoc): boolean {
  const ackMessageId = messageIdFor(ctx.settings, acknowledgementId(ticket), ticket.requester?.email ?? '');
  return !!ticket.email?.messageIds?.includes(ackMessageId);
}

function eventMailIds(ticket: TicketDoc): string[] {
  return ticket.timeline
    .map((e) => (e.data as { mailId?: string } | undefined)?.mailId)
    .filter((m): m is string => !!m);
}

function dmsOf(ticket: TicketDoc): DmDue[] {
  return ticket.timeline.map((e) => dmFor(e) ?? issueCommentFor(e)).filter((d): d is DmDue => !!d);
}

async function reconcileTicket(ctx: AppContext, ticket: TicketDoc, known: PageState): Promise<void> {
  const id = String(ticket._id);
  if (!known.inIntake.has(id) && known.ackPromised.has(id) && !known.mails.has(acknowledgementId(ticket)))
    await queueAcknowledgement(ctx, ticket);
  const asks: EffectAsk[] = [];
  for (const e of ticket.timeline) {
    const eventId = String(e._id);
    const data = e.data as { mailId?: string; mail?: QueuedMail } | undefined;
    if (data?.mailId && data.mail && !known.mails.has(data.mailId)) await queueMail(ctx, ticket, data.mail);
    if (e.notify && !e.slackTs) asks.push({ name: EffectNames.threadNote, data: { ticketId: id, eventId } });
  }
  for (const dm of known.dms.get(id) ?? [])
    if (!known.sent.has(dm.key)) asks.push({ name: dm.effect, data: { ticketId: id, eventId: dm.eventId } });
  await askMissing(ctx, asks, (ask) => ask);
}

interface DmDue {
  key: string;
  effect: string;
  eventId: string;
}

/** The DM an event calls for (src/slack/{sla-dm,assignee-dm}.ts), if any. */
function dmFor(e: {
  _id?: unknown;
  kind: string;
  notify?: boolean | null;
  actor?: { id?: string | null } | null;
  data?: unknown;
}): DmDue | undefined {
  const eventId = String(e._id);
  if (e.kind === 'sla_warning' && !e.notify)
    return { key: OnceKeys.eventDm('sla-dm', eventId), effect: EffectNames.slaDirectMessage, eventId };
  const assignee = (e.data as { assignee?: string } | undefined)?.assignee;
  if (e.kind === 'assigned' && assignee && e.actor?.id !== assignee)
    return { key: OnceKeys.eventDm('assignee-dm', eventId), effect: EffectNames.assigneeDm, eventId };
  return undefined;
}

/** The comment on its GitHub issue an event of a GitHub ticket calls for (src/flows/issue-comment.ts). */
function issueCommentFor(e: { _id?: unknown; data?: unknown }): DmDue | undefined {
  if (!(e.data as { issueComment?: boolean } | undefined)?.issueComment) return undefined;
  const eventId = String(e._id);
  return { key: OnceKeys.issueComment(eventId), effect: EffectNames.issueComment, eventId };
}
