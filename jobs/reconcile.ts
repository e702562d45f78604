import type { Agenda } from 'agenda';
import type { AppContext } from '../src/context.js';
import { JobNames } from './names.js';
import { queueMail, type QueuedMail } from '../src/domain/outbox.js';

const GRACE_MS = 30_000;
const BATCH = 200;

/**
 * The safety net behind "persist first": a ticket stored just before a crash, whose card or mail job was
 * never saved, is found here and its effect asked for again (every effect is idempotent).
 */
export async function reconcileOutbox(ctx: AppContext): Promise<void> {
  const before = new Date(ctx.clock.now().getTime() - GRACE_MS);
  const cardless = await ctx.models.Ticket.find({ 'card.ts': { $in: [null] }, createdAt: { $lt: before } }, { _id: 1 }).limit(BATCH).lean();
  for (const t of cardless) await ctx.effects.postCard(String(t._id));

  const queued = await ctx.models.OutboundMail.find({ status: 'queued', createdAt: { $lt: before } }, { _id: 1 }).limit(BATCH).lean();
  for (const m of queued) await ctx.effects.sendMail(m._id);

  // A mail composed in a ticket change is stored on its event (data.mail) and queued right after the save;
  // a crash in between leaves the event without an outbox entry: queue it now (queueMail is idempotent).
  // The sweep runs every minute, so a crash's leftovers are found within the hour that follows.
  const since = new Date(before.getTime() - 3600_000);
  // Plain dotted paths rather than $elemMatch with a dotted key, which FerretDB does not support; the code below checks each event.
  const withMail = await ctx.models.Ticket.find({ 'timeline.data.mailId': { $exists: true }, updatedAt: { $gt: since } }).limit(BATCH);
  for (const ticket of withMail) {
    const pending = ticket.timeline.filter((e) => e.at > since && e.at < before && (e.data as { mail?: unknown } | undefined)?.mail);
    const ids = pending.map((e) => (e.data as { mailId: string }).mailId);
    const existing = new Set((await ctx.models.OutboundMail.find({ _id: { $in: ids } }, { _id: 1 }).lean()).map((m) => m._id));
    for (const e of pending) {
      const data = e.data as { mailId: string; mail: QueuedMail };
      if (!existing.has(data.mailId)) await queueMail(ctx, ticket, data.mail);
    }
  }

  // 75 % reminders sent by DM are stored as events first and their DM job queued after the save.
  const warned = await ctx.models.Ticket.find({ 'timeline.kind': 'sla_warning', updatedAt: { $gt: since } }, { _id: 1, timeline: 1 }).limit(BATCH).lean();
  for (const t of warned) {
    const byDm = t.timeline.filter((e) => e.kind === 'sla_warning' && !e.notify && e.at > since && e.at < before);
    const sent = new Set((await ctx.models.IdempotencyKey.find({ _id: { $in: byDm.map((e) => `sla-dm:${e._id}`) } }, { _id: 1 }).lean()).map((k) => k._id));
    for (const e of byDm) if (!sent.has(`sla-dm:${e._id}`)) await ctx.effects.slaDirectMessage(String(t._id), String(e._id));
  }

  const recent = await ctx.models.Ticket.find({ 'timeline.notify': true, updatedAt: { $gt: since } }, { _id: 1, timeline: 1 })
    .sort({ updatedAt: -1 })
    .limit(BATCH)
    .lean();
  for (const t of recent) {
    for (const e of t.timeline) if (e.notify && !e.slackTs && e.at < before && e.at > since) await ctx.effects.threadNote(String(t._id), String(e._id));
  }
}

export function defineReconcileJob(agenda: Agenda, ctx: AppContext): void {
  agenda.define(JobNames.reconcile, async () => reconcileOutbox(ctx), { concurrency: 1 });
}
