import type { AppContext } from '../context.js';
import type { ClockKind } from '../domain/incidents/clock.js';
import { recordArchived } from '../domain/incidents/delivered.js';
import { reminderStillDue } from '../domain/incidents/reminder-due.js';
import { archiveChannelOnce, postReminder } from '../slack/incidents/reminders.js';

type Job = { name: string; data: Record<string, string> };

/**
 * One step of an incident's clock: a reminder that is still about the incident as it stands (an update
 * posted since, a fix or a written report makes it moot), or the war room's archiving.
 */
export async function sendIncidentReminder(
  ctx: AppContext,
  incidentId: string,
  kind: ClockKind,
  at: Date,
  round: number,
  job?: Job,
): Promise<void> {
  if (kind === 'archive') return archiveWarRoom(ctx, incidentId);
  const incident = await ctx.models.Incident.findById(incidentId);
  if (!incident || !reminderStillDue(incident, kind, at)) return;
  await postReminder(ctx, incident, kind, at, round, job);
}

/** Archives the war room once (INCIDENT_ARCHIVE_DAYS after the report), then records it. */
export async function archiveWarRoom(ctx: AppContext, incidentId: string): Promise<void> {
  const incident = await ctx.models.Incident.findById(incidentId);
  const channel = incident?.channel?.id;
  if (!incident || !channel || incident.archive?.doneAt || !incident.archive?.at) return;
  await archiveChannelOnce(ctx, incident, channel);
  await recordArchived(ctx, incident._id, ctx.clock.now());
  ctx.logger.info({ incident: incident.key, channel }, 'war room archived');
}
