import { renderFeedbackChart } from '../charts/feedback-chart.js';
import type { AppContext } from '../context.js';
import { computeFeedbackReport } from '../domain/feedback.js';
import { buildFeedbackCsv } from '../domain/feedback-digest.js';
import { localDay, resolvePeriod, type ReportRequest } from '../domain/report-period.js';
import { slackErrorCode } from '../slack/errors.js';
import { uploadFiles, type UploadFile } from '../slack/upload.js';
import { feedbackDigestMessage } from '../../views/feedback-digest.js';
import type { ReportAudience } from './support-report.js';

const CANNOT_POST = new Set(['not_in_channel', 'channel_not_found', 'is_archived', 'restricted_action']);

/**
 * `/support-report feedback [period] [post]`: the digest's figures for any period with the whole
 * feature-request log, its chart and the CSV of the tagged tickets; delivered as `/support-report` is
 * (ephemeral and a DM with the files, or posted in the channel with `post`).
 */
export async function deliverFeedbackReport(
  ctx: AppContext,
  request: ReportRequest,
  to: ReportAudience,
): Promise<void> {
  const tz = ctx.policy.timeZone;
  const period = resolvePeriod(request.period, ctx.clock.now(), tz);
  const report = await computeFeedbackReport(ctx, period.current, period.previous);
  const chart = await renderFeedbackChart(report, { now: 'This period', before: 'Period before' });
  const csv = await buildFeedbackCsv(ctx, period.current, {
    includeRequester: ctx.config.REPORT_CSV_INCLUDE_REQUESTER,
  });
  const name = `feedback-${localDay(period.current.start, tz)}-to-${localDay(new Date(period.current.end.getTime() - 1), tz)}.csv`;
  const files: UploadFile[] = [
    { filename: chart.name, title: chart.title, bytes: chart.png.bytes, altText: chart.altText },
    { filename: name, title: `Tagged tickets, ${period.label}`, bytes: csv.bytes },
  ];
  const comment = `Feedback report, ${period.label}: the chart and the CSV of ${csv.rows} tagged ticket(s).`;
  const message = (note?: string) =>
    feedbackDigestMessage(report, {
      title: `Feedback report (${period.label})`,
      timeZone: tz,
      log: true,
      ...(note ? { note } : {}),
    });

  if (request.post) {
    try {
      await ctx.slack.chat.postMessage({
        channel: to.channel,
        ...message(`Requested by <@${to.user}>.`),
        unfurl_links: false,
        unfurl_media: false,
      });
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
  const ephemeral = message('Only you can see this; the chart and the CSV are in your DM with Deskbell.');
  await to.tell(ephemeral.text, ephemeral.blocks);
  const opened = await ctx.slack.conversations.open({ users: to.user });
  const dm = opened.channel?.id ?? to.user;
  await ctx.slack.chat.postMessage({ channel: dm, ...message(), unfurl_links: false, unfurl_media: false });
  await uploadFiles(ctx.slack, files, { channel: dm, comment });
}
