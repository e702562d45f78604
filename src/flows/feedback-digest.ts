import { renderFeedbackChart } from '../charts/feedback-chart.js';
import type { AppContext } from '../context.js';
import { runFeedbackDigest } from '../domain/feedback-digest.js';
import { postSummary, uploadSummaryCharts } from '../slack/summary-post.js';
import { feedbackDigestMessage } from '../../views/feedback-digest.js';

/**
 * The weekly feedback digest in PRODUCT_CHANNEL_ID, once per week however many processes run the job,
 * followed by its chart (a delivery of its own, best effort, as the weekly review's charts).
 */
export async function postFeedbackDigest(ctx: AppContext): Promise<'posted' | 'already_posted' | 'no_channel'> {
  const channel = ctx.config.PRODUCT_CHANNEL_ID;
  if (!channel) return 'no_channel';
  const timeZone = ctx.policy.timeZone;
  return runFeedbackDigest(ctx, async (key, kind, report) => {
    const message = feedbackDigestMessage(report, { title: 'Feedback digest', timeZone });
    const posted = await postSummary(ctx, key, kind, message, channel);
    if (posted.by === 'sent') {
      const chart = await renderFeedbackChart(report, { now: 'This week', before: 'Week before' });
      const files = [{ filename: chart.name, title: chart.title, bytes: chart.png.bytes, altText: chart.altText }];
      await uploadSummaryCharts(ctx, key, files, 'Feedback tags this week and the week before.', channel).catch(
        (err: unknown) =>
          ctx.logger.warn({ err }, 'feedback digest chart could not be uploaded; the digest text has the same figures'),
      );
    }
    return posted;
  });
}
