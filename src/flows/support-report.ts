import type { KnownBlock } from '@slack/types';
import { renderReportCharts } from '../charts/report-charts.js';
import type { AppContext } from '../context.js';
import { buildTicketCsv, CSV_MAX_ROWS } from '../domain/report-csv.js';
import { computeReport } from '../domain/report-figures.js';
import { localDay, resolvePeriod, type ReportRequest } from '../domain/report-period.js';
import { isPrivateConversation } from '../slack/conversation-privacy.js';
import { slackErrorCode } from '../slack/errors.js';
import { uploadFiles, type UploadFile } from '../slack/upload.js';
import { supportReportMessage } from '../../views/support-report.js';
import { appendKnowledgeGaps } from './knowledge-gaps.js';
import { knowledgeGaps } from '../domain/knowledge-gaps.js';

/** Where the report goes and how to say something to the caller alone (the listener's ephemeral helper). */
export interface ReportAudience {
  user: string;
  channel: string;
  tell(text: string, blocks?: KnownBlock[]): Promise<void>;
}

/** Answers that mean the app cannot post in the channel: the caller is told to invite it. */
const CANNOT_POST = new Set(['not_in_channel', 'channel_not_found', 'is_archived', 'restricted_action']);

/** Why `post csv` is refused outside a private channel or DM while the CSV carries requesters' addresses. */
const REQUESTERS_STAY_PRIVATE =
  "The CSV lists requesters' email addresses (REPORT_CSV_INCLUDE_REQUESTER is on), so I only post it in a " +
  'private channel or a direct message. Leave out `post` to get it in your DM, or leave out `csv` to share the ' +
  'report here.';

/**
 * Computes, draws and delivers one report. By default the caller sees it ephemerally and gets the
 * pictures and files in a DM (an ephemeral message cannot carry uploads); with `post` it goes to the
 * channel for everyone, files included.
 */
export async function deliverReport(ctx: AppContext, request: ReportRequest, to: ReportAudience): Promise<void> {
  if (request.post && request.csv && ctx.config.REPORT_CSV_INCLUDE_REQUESTER) {
    if (!(await isPrivateConversation(ctx.slack, to.channel))) return to.tell(REQUESTERS_STAY_PRIVATE);
  }
  const tz = ctx.policy.timeZone;
  const period = resolvePeriod(request.period, ctx.clock.now(), tz);
  const report = await computeReport(ctx, period);
  // "Seen more than three times" and self-help, under the report's own sections (src/flows/knowledge-gaps.ts).
  const gaps = await knowledgeGaps(ctx, period.current, period.previous);
  const withGaps = (m: { text: string; blocks: KnownBlock[] }) => appendKnowledgeGaps(m, gaps);
  const charts = await renderReportCharts(report.current, { bucket: period.bucket, trend: period.trend, timeZone: tz });
  const files: UploadFile[] = charts.map((c) => ({
    filename: c.name,
    title: c.title,
    bytes: c.png.bytes,
    altText: c.altText,
  }));
  const csv = request.csv
    ? await buildTicketCsv(ctx, period.current, { includeRequester: ctx.config.REPORT_CSV_INCLUDE_REQUESTER })
    : undefined;
  if (csv) {
    const name = `support-report-${localDay(period.current.start, tz)}-to-${localDay(new Date(period.current.end.getTime() - 1), tz)}.csv`;
    files.push({
      filename: name,
      title: `Tickets created, ${period.label}${csv.truncated ? ` (first ${CSV_MAX_ROWS.toLocaleString('en-GB')})` : ''}`,
      bytes: csv.bytes,
    });
  }
  const what = csv
    ? `${charts.length} chart(s) and the CSV of ${csv.rows} ticket(s)${csv.truncated ? ' (cut at the first 50,000)' : ''}`
    : `${charts.length} chart(s)`;
  const comment = `Support report, ${period.label}: ${what}.`;

  if (request.post) {
    const message = withGaps(
      supportReportMessage(report, period, tz, `Requested by <@${to.user}> with \`/support-report\`.`),
    );
    try {
      await ctx.slack.chat.postMessage({ channel: to.channel, ...message, unfurl_links: false, unfurl_media: false });
    } catch (err) {
      if (!CANNOT_POST.has(slackErrorCode(err) ?? '')) throw err;
      await to.tell(
        'I cannot post in this channel. Invite me with `/invite @Deskbell`, or run the report without `post` to see it yourself.',
      );
      return;
    }
    await uploadFiles(ctx.slack, files, { channel: to.channel, comment });
    return;
  }

  const ephemeral = withGaps(
    supportReportMessage(
      report,
      period,
      tz,
      `Only you can see this. ${what[0]!.toUpperCase()}${what.slice(1)} are in your DM with Deskbell; add \`post\` to share the report in this channel.`,
    ),
  );
  await to.tell(ephemeral.text, ephemeral.blocks);
  const opened = await ctx.slack.conversations.open({ users: to.user });
  const dm = opened.channel?.id ?? to.user;
  const copy = withGaps(supportReportMessage(report, period, tz));
  await ctx.slack.chat.postMessage({ channel: dm, ...copy, unfurl_links: false, unfurl_media: false });
  await uploadFiles(ctx.slack, files, { channel: dm, comment });
}
