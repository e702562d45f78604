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

  // DMs (the 75 % reminder, "you were assigned") are asked for right after their event is stored.
  const dmEvents = await ctx.models.Ticket.find({ 'timeline.kind': { $in: ['sla_warning', 'assigned'] }, updatedAt: { $gt: since } }, { _id: 1, timeline: 1 })
    .limit(BATCH)
    .lean();
  for (const t of dmEvents) {
    const due = t.timeline
      .filter((e) => e.at > since && e.at < before)
      .map((e) => ({ e, marker: dmMarker(e) }))
      .filter((x): x is { e: (typeof t.timeline)[number]; marker: string } => !!x.marker);
    const sent = new Set((await ctx.models.IdempotencyKey.find({ _id: { $in: due.map((x) => x.marker) } }, { _id: 1 }).lean()).map((k) => k._id));
    for (const { e, marker } of due) {
      if (sent.has(marker)) continue;
      if (e.kind === 'sla_warning') await ctx.effects.slaDirectMessage(String(t._id), String(e._id));
      else await ctx.effects.dmAssignee(String(t._id), String(e._id));
    }
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

/** The once-marker of the DM an event calls for (see src/slack/direct-message.ts), if it calls for one. */
function dmMarker(e: { _id: unknown; kind: string; notify?: boolean | null; actor?: { id?: string | null } | null; data?: unknown }): string | undefined {
  if (e.kind === 'sla_warning' && !e.notify) return `sla-dm:${String(e._id)}`;
  const assignee = (e.data as { assignee?: string } | undefined)?.assignee;
  if (e.kind === 'assigned' && assignee && e.actor?.id !== assignee) return `assignee-dm:${String(e._id)}`;
  return undefined;
}
