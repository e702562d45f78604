import type { AppContext } from '../../context.js';
import { deliverOnce } from '../../db/once.js';
import { DeliveryKinds, OnceKeys } from '../../db/once-keys.js';
import { reportStages, type ClockKind } from '../../domain/incidents/clock.js';
import { reminderMessage } from '../../../views/incident-update.js';
import { BusyElsewhereError, slackErrorCode } from '../errors.js';
import { postMessageOnce, SLACK_CLAIM_MS } from '../post-once.js';

export const REMINDER_EVENT_TYPE = 'deskbell_incident_reminder';

type Job = { name: string; data: Record<string, string> };

/** Whether a reminder is still about the incident as it stands (an update posted since, a fix, a report written…). */
function stillDue(i: { status: string; cadence?: { dueAt?: Date | null } | null; monitor?: { until?: Date | null } | null; resolvedAt?: Date | null; report?: { dueAt?: Date | null; submittedAt?: Date | null } | null }, kind: ClockKind, at: Date): boolean {
  const same = (d: Date | null | undefined) => !!d && d.getTime() === at.getTime();
  switch (kind) {
    case 'update_reminder':
    case 'update_overdue':
      return i.status === 'active' && same(i.cadence?.dueAt);
    case 'monitor_end':
      return i.status === 'monitoring' && same(i.monitor?.until);
    case 'report_half':
    case 'report_late':
    case 'report_overdue':
      return !!i.resolvedAt && !!i.report?.dueAt && !i.report.submittedAt && reportStages(i.resolvedAt, i.report.dueAt).some((s) => s.kind === kind && same(s.at));
    default:
      return false;
  }
}

/**
 * One reminder of an incident's clock, once (its key names the incident, the kind, the deadline and the
 * round). Update reminders, the monitoring prompt and the report reminders go to the commander in the war
 * room (the ticket's thread in #support when there is none); an overdue report pings the leads in the
 * thread of the @channel alert in #support, where the leads are.
 */
export async function sendIncidentReminder(ctx: AppContext, incidentId: string, kind: ClockKind, at: Date, round: number, job?: Job): Promise<void> {
  if (kind === 'archive') return archiveWarRoom(ctx, incidentId);
  const incident = await ctx.models.Incident.findById(incidentId);
  if (!incident || !stillDue(incident, kind, at)) return;
  const ticket = await ctx.models.Ticket.findById(incident.ticketId, { card: 1 }).lean();
  const inSupport = kind === 'report_overdue' || !incident.channel?.id || !!incident.archive?.doneAt;
  const where = !inSupport
    ? { channel: incident.channel!.id! }
    : kind === 'report_overdue' && incident.alert?.ts
      ? { channel: incident.alert.channel ?? ctx.config.SUPPORT_CHANNEL_ID, threadTs: incident.alert.ts }
      : ticket?.card?.ts
        ? { channel: ticket.card.channel ?? ctx.config.SUPPORT_CHANNEL_ID, threadTs: ticket.card.ts }
        : { channel: ctx.config.SUPPORT_CHANNEL_ID };
  const message = reminderMessage({ ...incident.toObject(), id: incident.id }, kind, {
    at,
    round,
    ...(ctx.incidents.leadsUsergroup ? { leads: ctx.incidents.leadsUsergroup } : {}),
    cadenceMinutes: ctx.incidents.updateMs / 60_000,
  });
  await postMessageOnce(ctx.cards, {
    key: OnceKeys.incidentReminder(incidentId, kind, at, round),
    kind: DeliveryKinds.incidentReminder,
    ticketId: incident.ticketId,
    at: ctx.clock.now(),
    ...(job ? { job } : {}),
    ...where,
    ...message,
    eventType: REMINDER_EVENT_TYPE,
    payload: { incident_id: incidentId, reminder: kind },
    since: new Date(Math.min(at.getTime(), ctx.clock.now().getTime()) - 86_400_000),
  });
}

/** Archives the war room once (INCIDENT_ARCHIVE_DAYS after the report); an archived or vanished channel counts as done. */
export async function archiveWarRoom(ctx: AppContext, incidentId: string): Promise<void> {
  const incident = await ctx.models.Incident.findById(incidentId);
  const channel = incident?.channel?.id;
  if (!incident || !channel || incident.archive?.doneAt || !incident.archive?.at) return;
  const outcome = await deliverOnce(ctx.models, {
    key: OnceKeys.warRoomArchive(incidentId),
    kind: DeliveryKinds.warRoomArchive,
    ticketId: incident.ticketId,
    at: ctx.clock.now(),
    deadlineMs: SLACK_CLAIM_MS,
    // Archiving twice only answers already_archived: no check needed.
    send: async () => {
      try {
        await ctx.cards.slackNoRetry.conversations.archive({ channel });
        return { archived: true };
      } catch (err) {
        const code = slackErrorCode(err);
        if (code === 'already_archived' || code === 'channel_not_found') return { archived: false, reason: code };
        throw err;
      }
    },
  });
  if (outcome.status === 'busy') throw new BusyElsewhereError(`another worker is archiving the war room of ${incident.key}`);
  await ctx.models.Incident.updateOne({ _id: incident._id }, { $set: { 'archive.doneAt': ctx.clock.now() }, $inc: { __v: 1 } });
  ctx.logger.info({ incident: incident.key, channel }, 'war room archived');
}
