import type { AppContext } from '../context.js';
import { storedReport } from '../domain/incidents/report.js';
import { postReport, reportPlacement, uploadReportFile } from '../slack/incidents/report.js';
import type { ReportView } from '../../views/incident-report.js';

type Job = { name: string; data: Record<string, string> };

/**
 * One revision of the incident report, each part once: posted (and pinned) in the war room, posted in
 * #support, and uploaded to the war room as a Markdown file. Without a war room (or once it is archived)
 * the file goes to #support.
 */
export async function publishIncidentReport(
  ctx: AppContext,
  incidentId: string,
  revision: number,
  job?: Job,
): Promise<void> {
  const incident = await ctx.models.Incident.findById(incidentId);
  // A newer revision publishes itself; this one is superseded.
  if (!incident?.report?.submittedAt || (incident.report.revision ?? 0) !== revision) return;
  const commander = incident.roles?.commander ?? null;
  const view: ReportView = {
    key: incident.key,
    ticketKey: incident.ticketKey,
    revision,
    commander,
    report: storedReport(incident),
  };
  const at = reportPlacement(ctx, incident);
  await postReport(ctx, incident, view, at, job);
  await uploadReportFile(ctx, incident, view, at, job);
}
