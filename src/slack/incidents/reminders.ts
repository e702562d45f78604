import type { AppContext } from '../../context.js';
import { deliverOnce } from '../../db/once.js';
import { DeliveryKinds, OnceKeys } from '../../db/once-keys.js';
import type { IncidentDoc } from '../../db/models/incident.js';
import type { ClockKind } from '../../domain/incidents/clock.js';
import { reminderMessage } from '../../../views/incident-update.js';
import { BusyElsewhereError, slackErrorCode } from '../errors.js';
import { postMessageOnce } from '../post-once.js';

export const REMINDER_EVENT_TYPE = 'deskbell_incident_reminder';

type Job = { name: string; data: Record<string, string> };

/**
 * One reminder of an incident's clock, once (its key names the incident, the kind, the deadline and the
 * round). Update reminders, the monitoring prompt and the report reminders go to the commander in the war
 * room (the ticket's thread in #support when there is none); an overdue report pings the leads in the
 * thread of the @channel alert in #support, where the leads are.
 */
export async function postReminder(
  ctx: AppContext,
  incident: IncidentDoc,
  kind: ClockKind,
  at: Date,
  round: number,
  job?: Job,
): Promise<void> {
  const incidentId = incident.id;
  const ticket = await ctx.models.Ticket.findById(incident.ticketId, { card: 1 }).lean();
  const inSupport = kind === 'report_overdue' || !incident.channel?.id || !!incident.archive?.doneAt;
  const where = !inSupport
    ? { channel: incident.channel!.id! }
    : kind === 'report_overdue' && incident.alert?.ts
      ? { channel: incident.alert.channel ?? ctx.supportChannel, threadTs: incident.alert.ts }
      : ticket?.card?.ts
        ? { channel: ticket.card.channel ?? ctx.supportChannel, threadTs: ticket.card.ts }
        : { channel: ctx.supportChannel };
  const message = reminderMessage({ ...incident.toObject(), id: incident.id }, kind, {
    at,
    round,
    ...(ctx.incidents.leadsUsergroup ? { leads: ctx.incidents.leadsUsergroup } : {}),
    cadenceMinutes: ctx.incidents.updateMs / 60_000,
  });
  await postMessageOnce(ctx, {
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

/** Archives the war room once; an archived or vanished channel counts as done (the flow records it). */
export async function archiveChannelOnce(ctx: AppContext, incident: IncidentDoc, channel: string): Promise<void> {
  const outcome = await deliverOnce(ctx.models, {
    key: OnceKeys.warRoomArchive(incident.id),
    kind: DeliveryKinds.warRoomArchive,
    ticketId: incident.ticketId,
    at: ctx.clock.now(),
    deadlineMs: ctx.claimMs,
    // Archiving twice only answers already_archived: no check needed.
    send: async () => {
      try {
        await ctx.slackNoRetry.conversations.archive({ channel });
        return { archived: true };
      } catch (err) {
        const code = slackErrorCode(err);
        if (code === 'already_archived' || code === 'channel_not_found') return { archived: false, reason: code };
        throw err;
      }
    },
  });
  if (outcome.status === 'busy')
    throw new BusyElsewhereError(`another worker is archiving the war room of ${incident.key}`);
}
