import { backoffStrategies, type Agenda } from 'agenda';
import type { KnownBlock } from '@slack/types';
import type { AppContext } from '../src/context.js';
import { runDailySummary, type SummaryOutcome } from '../src/domain/daily-summary.js';
import { runWeeklyDigest, type WeeklyReview } from '../src/domain/weekly-review.js';
import { renderReportCharts } from '../src/charts/report-charts.js';
import { uploadFiles } from '../src/slack/upload.js';
import { workspaceUrl } from '../src/slack/workspace-url.js';
import { dailySummaryMessage } from '../views/daily-summary.js';
import { weeklyDigestMessage } from '../views/weekly-digest.js';
import { JobNames } from './names.js';
import { everyOrExplain } from './schedule.js';

/** Posts in #support with the client that never retries by itself: a retried post could appear twice. */
async function postToSupport(ctx: AppContext, message: { text: string; blocks: KnownBlock[] }): Promise<Record<string, unknown>> {
  const res = await ctx.cards.slackNoRetry.chat.postMessage({ channel: ctx.config.SUPPORT_CHANNEL_ID, ...message, unfurl_links: false, unfurl_media: false });
  return { channel: res.channel, ts: res.ts };
}

/** The daily triage summary, once per team-local day. Exported so tests and tools can run it on demand. */
export async function postDailySummary(ctx: AppContext): Promise<SummaryOutcome> {
  return runDailySummary(ctx, async (summary) => postToSupport(ctx, dailySummaryMessage(summary, { workspaceUrl: await workspaceUrl(ctx.slack) })));
}

export async function postWeeklyDigest(ctx: AppContext): Promise<'posted' | 'already_posted'> {
  return runWeeklyDigest(ctx, async (review) => {
    const posted = await postToSupport(ctx, weeklyDigestMessage(review, ctx.policy.timeZone));
    // The same charts as /support-report, after the text. Best effort: the digest is posted (and its key
    // kept) whatever happens here, so a failed upload never makes the retry post the digest twice.
    await shareCharts(ctx, review.current).catch((err: unknown) => ctx.logger.warn({ err }, 'weekly digest charts could not be uploaded; the digest text has the same figures'));
    return posted;
  });
}

async function shareCharts(ctx: AppContext, week: WeeklyReview['current']): Promise<void> {
  const charts = await renderReportCharts(week, { bucket: 'day', trend: false, timeZone: ctx.policy.timeZone });
  await uploadFiles(ctx.slack, charts.map((c) => ({ filename: c.name, title: c.title, bytes: c.png.bytes, altText: c.altText })), { channel: ctx.config.SUPPORT_CHANNEL_ID, comment: 'Charts of the weekly review.' });
}

/** A failed post (Slack down) is retried with backoff; the day's key was released, so the retry posts it. */
export function defineSummaryJobs(agenda: Agenda, ctx: AppContext): void {
  const backoff = backoffStrategies.exponential({ delay: Math.max(ctx.retryBaseMs, 1000) * 15, factor: 2, maxDelay: 30 * 60_000, maxRetries: 8, jitter: 0.1 });
  agenda.define(JobNames.dailySummary, async () => void (await postDailySummary(ctx)), { concurrency: 1, backoff, lockLifetime: 10 * 60_000 });
  agenda.define(JobNames.weeklyDigest, async () => void (await postWeeklyDigest(ctx)), { concurrency: 1, backoff, lockLifetime: 10 * 60_000 });
}

/** Cron expressions read in the team's time zone (SUPPORT_TIMEZONE), so 09:30 stays 09:30 across DST. */
export async function scheduleSummaryJobs(agenda: Agenda, ctx: AppContext): Promise<void> {
  await everyOrExplain(agenda, ctx.config.DAILY_SUMMARY_CRON, JobNames.dailySummary, 'DAILY_SUMMARY_CRON', ctx.config.SUPPORT_TIMEZONE);
  await everyOrExplain(agenda, ctx.config.WEEKLY_DIGEST_CRON, JobNames.weeklyDigest, 'WEEKLY_DIGEST_CRON', ctx.config.SUPPORT_TIMEZONE);
}
