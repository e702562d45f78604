import type { WebClient } from '@slack/web-api';
import type { AppContext } from '../../context.js';
import type { IncidentDoc } from '../../db/models/incident.js';
import { deliverOnce } from '../../db/once.js';
import { DeliveryKinds, OnceKeys } from '../../db/once-keys.js';
import type { ReportFields } from '../../domain/incidents/report.js';
import { reportFileComment, reportMarkdown, reportMessage, type ReportView } from '../../../views/incident-report.js';
import { BusyElsewhereError, mayHaveReachedSlack, slackErrorCode } from '../errors.js';
import { postMessageOnce, SLACK_CLAIM_MS } from '../post-once.js';
import { uploadFiles } from '../upload.js';

export const REPORT_EVENT_TYPE = 'deskbell_incident_report';

type Job = { name: string; data: Record<string, string> };

export function storedReport(incident: IncidentDoc): ReportFields {
  const r = incident.report!;
  return {
    title: r.title ?? incident.title,
    startedAt: r.startedAt ?? incident.declaredAt,
    ...(r.endedAt ? { endedAt: r.endedAt } : {}),
    impact: r.impact ?? '',
    rootCause: r.rootCause ?? '',
    resolution: r.resolution ?? '',
    prevention: (r.prevention ?? []).map((p) => ({ action: p.action, ...(p.owner ? { owner: p.owner } : {}) })),
    timeline: r.timeline ?? '',
  };
}

async function realName(slack: WebClient, user: string | null | undefined): Promise<string | undefined> {
  if (!user) return undefined;
  try {
    const res = await slack.users.info({ user });
    return res.user?.real_name || res.user?.profile?.real_name || res.user?.name || user;
  } catch {
    return user;
  }
}

/**
 * One revision of the incident report, each part once: posted (and pinned) in the war room, posted in
 * #support, and uploaded to the war room as a Markdown file through Slack's upload flow. Without a war room
 * (or once it is archived) the file goes to #support.
 */
export async function publishIncidentReport(ctx: AppContext, incidentId: string, revision: number, job?: Job): Promise<void> {
  const incident = await ctx.models.Incident.findById(incidentId);
  // A newer revision publishes itself; this one is superseded.
  if (!incident?.report?.submittedAt || (incident.report.revision ?? 0) !== revision) return;
  const view: ReportView = { key: incident.key, ticketKey: incident.ticketKey, revision, commander: incident.roles?.commander ?? null, report: storedReport(incident) };
  const message = reportMessage(view, { timeZone: ctx.policy.timeZone });
  const room = incident.channel?.id && !incident.archive?.doneAt ? incident.channel.id : undefined;
  const since = new Date(Math.min(incident.report.submittedAt.getTime(), ctx.clock.now().getTime()) - 3_600_000);
  const post = (channel: string, where: 'war-room' | 'support') =>
    postMessageOnce(ctx.cards, {
      key: OnceKeys.incidentReport(incidentId, revision, where),
      kind: DeliveryKinds.incidentReport,
      ticketId: incident.ticketId,
      at: ctx.clock.now(),
      ...(job ? { job } : {}),
      channel,
      ...message,
      eventType: REPORT_EVENT_TYPE,
      payload: { incident_id: incidentId, revision: String(revision) },
      since,
    });
  if (room) {
    const posted = await post(room, 'war-room');
    try {
      await ctx.slack.pins.add({ channel: room, timestamp: posted.result.ts });
    } catch (err) {
      if (slackErrorCode(err) !== 'already_pinned') throw err;
    }
  }
  await post(ctx.config.SUPPORT_CHANNEL_ID, 'support');

  const fileChannel = room ?? ctx.config.SUPPORT_CHANNEL_ID;
  const comment = reportFileComment(incident.key, revision);
  const markdown = reportMarkdown(view, { timeZone: ctx.policy.timeZone, ...(await realName(ctx.slack, incident.roles?.commander).then((n) => (n ? { commanderName: n } : {}))) });
  const outcome = await deliverOnce(ctx.models, {
    key: OnceKeys.incidentReportFile(incidentId, revision),
    kind: DeliveryKinds.incidentReportFile,
    ticketId: incident.ticketId,
    at: ctx.clock.now(),
    deadlineMs: SLACK_CLAIM_MS,
    ...(job ? { job } : {}),
    mayHaveReached: mayHaveReachedSlack,
    // A shared file shows in the channel as a message with its initial comment: find ours by that text.
    check: async () => {
      const res = await ctx.slack.conversations.history({ channel: fileChannel, oldest: String(Math.floor(since.getTime() / 1000) - 60), limit: 200 });
      const hit = (res.messages ?? []).find((m) => m.text === comment);
      return hit?.ts ? { fileIds: [] as string[], ts: hit.ts } : undefined;
    },
    send: async () => {
      const ids = await uploadFiles(ctx.cards.slackNoRetry, [{ filename: `${incident.key.toLowerCase()}-incident-report-r${revision}.md`, title: `${incident.key} incident report (revision ${revision})`, bytes: Buffer.from(markdown, 'utf8') }], {
        channel: fileChannel,
        comment,
      });
      return { fileIds: ids };
    },
  });
  if (outcome.status === 'busy') throw new BusyElsewhereError(`another worker is uploading the report of ${incident.key}`);
}
