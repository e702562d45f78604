import { renderReportCharts } from '../charts/report-charts.js';
import type { AppContext } from '../context.js';
import { runWeeklyDigest, type WeeklyReview } from '../domain/weekly-review.js';
import { postSummary, uploadSummaryCharts } from '../slack/summary-post.js';
import { weeklyDigestMessage } from '../../views/weekly-digest.js';
import { withKnowledgeGaps } from './knowledge-gaps.js';

/** The weekly review in #support, once per week, followed by its charts. */
export async function postWeeklyDigest(ctx: AppContext): Promise<'posted' | 'already_posted'> {
  return runWeeklyDigest(ctx, async (key, kind, review) => {
    const digest = weeklyDigestMessage(review, ctx.policy.timeZone);
    const message = await withKnowledgeGaps(ctx, digest, review.current.window, review.previous.window);
    const posted = await postSummary(ctx, key, kind, message);
    // The same charts as /support-report, after the text, shared by the run that posted the digest. Best
    // effort: the digest's delivery is done whatever happens here, so a failed upload never makes the
    // job's retry post the digest twice, and the charts never go out twice (their own delivery).
    if (posted.by === 'sent') {
      await shareCharts(ctx, key, review.current).catch((err: unknown) =>
        ctx.logger.warn({ err }, 'weekly digest charts could not be uploaded; the digest text has the same figures'),
      );
    }
    return posted;
  });
}

async function shareCharts(ctx: AppContext, summaryKey: string, week: WeeklyReview['current']): Promise<void> {
  const charts = await renderReportCharts(week, { bucket: 'day', trend: false, timeZone: ctx.policy.timeZone });
  const files = charts.map((c) => ({ filename: c.name, title: c.title, bytes: c.png.bytes, altText: c.altText }));
  await uploadSummaryCharts(ctx, summaryKey, files, 'Charts of the weekly review.');
}
