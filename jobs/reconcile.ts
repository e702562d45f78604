import type { Agenda } from 'agenda';
import { Types } from 'mongoose';
import type { AppContext } from '../src/context.js';
import { acknowledgementId, queueAcknowledgement } from '../src/domain/acknowledgement.js';
import { messageIdFor, queueMail, type QueuedMail } from '../src/domain/outbox.js';
import { OnceKeys } from '../src/db/once-keys.js';
import type { TicketDoc } from '../src/db/models/ticket.js';
import { enqueueDelivery } from './effects.js';
import { JobNames } from './names.js';

/** Work younger than this is left to the job that was asked for it in the same request. */
const GRACE_MS = 30_000;
const PAGE = 200;
const TICKET_SCAN = 'reconcile.tickets';

/**
 * The safety net behind "persist first": whatever a crash, a lost job or retries given up left undone is
 * found and asked for again; every delivery is once-only, so asking twice is harmless. No horizon: each
 * part walks everything still pending, in order, page by page.
 * 1. deliveries not done (failed and waiting, or claimed by a worker that vanished), oldest first;
 * 2. tickets without a card;
 * 3. outbox mails not sent;
 * 4. every ticket change since the last run (a checkpoint in the tickets' update order): thread notes not
 *    posted, mails stored on an event but not in the outbox, event DMs, acknowledgements never queued.
 */
export async function reconcileOutbox(ctx: AppContext, onPage: () => Promise<void> = async () => undefined): Promise<void> {
  const before = new Date(ctx.clock.now().getTime() - GRACE_MS);
  await redoStalledDeliveries(ctx, before, onPage);
  const { Ticket, OutboundMail } = ctx.models;
  // Tickets grouped in a storm have no card of their own on purpose: the storm's card counts them.
  const cardless = { 'card.ts': null, 'storm.grouped': { $ne: true }, createdAt: { $lt: before } };
  await pageById((q) => Ticket.find({ $and: [cardless, q] }, { _id: 1 }).sort({ _id: 1 }).limit(PAGE).lean(), onPage, (t) => ctx.effects.postCard(String(t._id)));
  const unsent = { status: 'queued', createdAt: { $lt: before } };
  await pageById((q) => OutboundMail.find({ $and: [unsent, q] }, { _id: 1 }).sort({ _id: 1 }).limit(PAGE).lean(), onPage, (m) => ctx.effects.sendMail(m._id));
  await scanTicketChanges(ctx, before, onPage);
}

async function redoStalledDeliveries(ctx: AppContext, before: Date, onPage: () => Promise<void>): Promise<void> {
  const stalled = { createdAt: { $lt: before }, $or: [{ state: 'pending' }, { state: 'sending', deadline: { $lt: new Date() } }] };
  const find = (q: object) => ctx.models.Delivery.find({ $and: [stalled, q] }, { job: 1 }).sort({ _id: 1 }).limit(PAGE).lean();
  await pageById(find, onPage, async (d) => {
    const job = d.job as { name?: string; data?: Record<string, string> } | undefined;
    if (job?.name && job.data) await enqueueDelivery(ctx.agenda, job.name, job.data);
  });
}

/** Walks a query in `_id` order, a page at a time (bounded memory, no skip). */
async function pageById<T extends { _id: unknown }>(find: (after: object) => Promise<T[]>, onPage: () => Promise<void>, each: (doc: T) => Promise<void>): Promise<void> {
  let after: object = {};
  for (;;) {
    const page = await find(after);
    for (const doc of page) await each(doc);
    if (page.length < PAGE) return;
    after = { _id: { $gt: page[page.length - 1]!._id } };
    await onPage();
  }
}

async function scanTicketChanges(ctx: AppContext, before: Date, onPage: () => Promise<void>): Promise<void> {
  const { Ticket, Checkpoint } = ctx.models;
  const stored = await Checkpoint.findById(TICKET_SCAN).lean();
  let mark: { at: Date; lastId: Types.ObjectId } | undefined = stored?.lastId ? { at: stored.at, lastId: stored.lastId } : undefined;
  for (;;) {
    const range = { updatedAt: { $lte: before } };
    const query = mark ? { ...range, $or: [{ updatedAt: { $gt: mark.at, $lte: before } }, { updatedAt: mark.at, _id: { $gt: mark.lastId } }] } : range;
    const page = await Ticket.find(query).sort({ updatedAt: 1, _id: 1 }).limit(PAGE);
    for (const ticket of page) await reconcileTicket(ctx, ticket);
    if (!page.length) return;
    const last = page[page.length - 1]!;
    const next = { at: last.updatedAt, lastId: last._id as Types.ObjectId };
    mark = next;
    // Moving forward only: of two sweeps racing, the one further along wins.
    const moved = await Checkpoint.updateOne({ _id: TICKET_SCAN, $or: [{ at: { $lt: next.at } }, { at: next.at, lastId: { $lt: next.lastId } }] }, { $set: next });
    if (moved.matchedCount === 0 && !stored) await Checkpoint.create({ _id: TICKET_SCAN, ...next }).catch(() => undefined);
    if (page.length < PAGE) return;
    await onPage();
  }
}

async function reconcileTicket(ctx: AppContext, ticket: TicketDoc): Promise<void> {
  const id = String(ticket._id);
  const ackMessageId = messageIdFor(acknowledgementId(ticket), ctx.config.SUPPORT_EMAIL_ADDRESS);
  if (ticket.email?.messageIds?.includes(ackMessageId) && !(await ctx.models.OutboundMail.exists({ _id: acknowledgementId(ticket) }))) {
    await queueAcknowledgement(ctx, ticket);
  }
  const mailIds = ticket.timeline.map((e) => (e.data as { mailId?: string } | undefined)?.mailId).filter((m): m is string => !!m);
  const queued = new Set(mailIds.length ? (await ctx.models.OutboundMail.find({ _id: { $in: mailIds } }, { _id: 1 }).lean()).map((m) => m._id) : []);
  const dmKeys = ticket.timeline.map((e) => dmFor(e)).filter((d): d is DmDue => !!d);
  const sent = new Set(dmKeys.length ? (await ctx.models.Delivery.find({ _id: { $in: dmKeys.map((d) => d.key) }, state: 'done' }, { _id: 1 }).lean()).map((d) => d._id) : []);
  for (const e of ticket.timeline) {
    const eventId = String(e._id);
    const data = e.data as { mailId?: string; mail?: QueuedMail } | undefined;
    if (data?.mailId && data.mail && !queued.has(data.mailId)) await queueMail(ctx, ticket, data.mail);
    if (e.notify && !e.slackTs) await ctx.effects.threadNote(id, eventId);
  }
  for (const dm of dmKeys) if (!sent.has(dm.key)) await enqueueDelivery(ctx.agenda, dm.job, { ticketId: id, eventId: dm.eventId });
}

interface DmDue {
  key: string;
  job: string;
  eventId: string;
}

/** The DM an event calls for (src/slack/{sla-dm,assignee-dm}.ts), if any. */
function dmFor(e: { _id?: unknown; kind: string; notify?: boolean | null; actor?: { id?: string | null } | null; data?: unknown }): DmDue | undefined {
  const eventId = String(e._id);
  if (e.kind === 'sla_warning' && !e.notify) return { key: OnceKeys.eventDm('sla-dm', eventId), job: JobNames.slaDirectMessage, eventId };
  const assignee = (e.data as { assignee?: string } | undefined)?.assignee;
  if (e.kind === 'assigned' && assignee && e.actor?.id !== assignee) return { key: OnceKeys.eventDm('assignee-dm', eventId), job: JobNames.assigneeDm, eventId };
  return undefined;
}

export function defineReconcileJob(agenda: Agenda, ctx: AppContext): void {
  agenda.define(JobNames.reconcile, async (job) => reconcileOutbox(ctx, () => job.touch()), { concurrency: 1, lockLifetime: 10 * 60_000 });
}
