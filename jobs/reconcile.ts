import type { Agenda } from 'agenda';
import type { AppContext } from '../src/context.js';
import { JobNames } from './names.js';

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

  const unposted = await ctx.models.Ticket.find({ timeline: { $elemMatch: { notify: true, slackTs: { $in: [null] }, at: { $lt: before } } } }, { _id: 1, timeline: 1 })
    .limit(BATCH)
    .lean();
  for (const t of unposted) {
    for (const e of t.timeline) if (e.notify && !e.slackTs && e.at < before) await ctx.effects.threadNote(String(t._id), String(e._id));
  }
}

export function defineReconcileJob(agenda: Agenda, ctx: AppContext): void {
  agenda.define(JobNames.reconcile, async () => reconcileOutbox(ctx), { concurrency: 1 });
}
