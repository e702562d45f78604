import type { WebClient } from '@slack/web-api';
import type { AppContext } from '../../context.js';
import type { IncidentDoc } from '../../db/models/incident.js';
import { deliverOnce } from '../../db/once.js';
import { DeliveryKinds, OnceKeys } from '../../db/once-keys.js';
import { reportFileComment, reportMarkdown, reportMessage, type ReportView } from '../../../views/incident-report.js';
import { BusyElsewhereError, mayHaveReachedSlack, slackErrorCode } from '../errors.js';
import { postMessageOnce } from '../post-once.js';
import { uploadFiles } from '../upload.js';

export const REPORT_EVENT_TYPE = 'deskbell_incident_report';

type Job = { name: string; data: Record<string, string> };

async function realName(slack: WebClient, user: string | null | undefined): Promise<string | undefined> {
  if (!user) return undefined;
  try {
    const res = await slack.users.info({ user });
    return res.user?.real_name || res.user?.profile?.real_name || res.user?.name || user;
  } catch {
    return user;
  }
}

type Placed = { room: string | undefined; since: Date };

/**
 * Where a revision goes: the war room while it is open (the file too), else #support. `since` bounds the
 * look-back of the once-only checks.
 */
export function reportPlacement(ctx: AppContext, incident: IncidentDoc): Placed {
  const room = incident.channel?.id && !incident.archive?.doneAt ? incident.channel.id : undefined;
  const submitted = incident.report?.submittedAt ?? ctx.clock.now();
  return { room, since: new Date(Math.min(submitted.getTime(), ctx.clock.now().getTime()) - 3_600_000) };
}

/** The report's message, once each: posted (and pinned) in the war room, and posted in #support. */
export async function postReport(
  ctx: AppContext,
  incident: IncidentDoc,
  view: ReportView,
  at: Placed,
  job?: Job,
): Promise<void> {
  const incidentId = incident.id;
  const revision = view.revision;
  const message = reportMessage(view, { timeZone: ctx.policy.timeZone });
  const post = (channel: string, where: 'war-room' | 'support') =>
    postMessageOnce(ctx, {
      key: OnceKeys.incidentReport(incidentId, revision, where),
      kind: DeliveryKinds.incidentReport,
      ticketId: incident.ticketId,
      at: ctx.clock.now(),
      ...(job ? { job } : {}),
      channel,
      ...message,
      eventType: REPORT_EVENT_TYPE,
      payload: { incident_id: incidentId, revision: String(revision) },
      since: at.since,
    });
  if (at.room) {
    const posted = await post(at.room, 'war-room');
    try {
      await ctx.slack.pins.add({ channel: at.room, timestamp: posted.result.ts });
    } catch (err) {
      if (slackErrorCode(err) !== 'already_pinned') throw err;
    }
  }
  await post(ctx.supportChannel, 'support');
}

/** The report as a Markdown file through Slack's upload flow, once; in the war room, else in #support. */
export async function uploadReportFile(
  ctx: AppContext,
  incident: IncidentDoc,
  view: ReportView,
  at: Placed,
  job?: Job,
): Promise<void> {
  const { revision } = view;
  const since = at.since;
  const fileChannel = at.room ?? ctx.supportChannel;
  const comment = reportFileComment(incident.key, revision);
  const markdown = reportMarkdown(view, {
    timeZone: ctx.policy.timeZone,
    ...(await realName(ctx.slack, incident.roles?.commander).then((n) => (n ? { commanderName: n } : {}))),
  });
  const outcome = await deliverOnce(ctx.models, {
    key: OnceKeys.incidentReportFile(incident.id, revision),
    kind: DeliveryKinds.incidentReportFile,
    ticketId: incident.ticketId,
    at: ctx.clock.now(),
    deadlineMs: ctx.claimMs,
    ...(job ? { job } : {}),
    mayHaveReached: mayHaveReachedSlack,
    // A shared file shows in the channel as a message with its initial comment: find ours by that text.
    check: async () => {
      const res = await ctx.slack.conversations.history({
        channel: fileChannel,
        oldest: String(Math.floor(since.getTime() / 1000) - 60),
        limit: 200,
      });
      const hit = (res.messages ?? []).find((m) => m.text === comment);
      return hit?.ts ? { fileIds: [] as string[], ts: hit.ts } : undefined;
    },
    send: async () => {
      const ids = await uploadFiles(
        ctx.slackNoRetry,
        [
          {
            filename: `${incident.key.toLowerCase()}-incident-report-r${revision}.md`,
            title: `${incident.key} incident report (revision ${revision})`,
            bytes: Buffer.from(markdown, 'utf8'),
          },
        ],
        {
          channel: fileChannel,
          comment,
        },
      );
      return { fileIds: ids };
    },
  });
  if (outcome.status === 'busy')
    throw new BusyElsewhereError(`another worker is uploading the report of ${incident.key}`);
}
