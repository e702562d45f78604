import type { Agenda } from 'agenda';
import { deliveryBackoff } from './backoff.js';
import type { KnownBlock } from '@slack/types';
import type { AppContext } from '../src/context.js';
import { deliverOnce } from '../src/db/once.js';
import { DeliveryKinds, OnceKeys } from '../src/db/once-keys.js';
import { runDailySummary, type DailySummary, type SummaryOutcome } from '../src/domain/daily-summary.js';
import { runWeeklyDigest, type WeeklyReview } from '../src/domain/weekly-review.js';
import { incidentPeriodStats } from '../src/domain/incidents/overview.js';
import { renderReportCharts } from '../src/charts/report-charts.js';
import { postMessageOnce } from '../src/slack/post-once.js';
import { BusyElsewhereError } from '../src/slack/errors.js';
import { uploadFiles } from '../src/slack/upload.js';
import { workspaceUrl } from '../src/slack/workspace-url.js';
import { dailySummaryMessage } from '../views/daily-summary.js';
import { weeklyDigestMessage } from '../views/weekly-digest.js';
import { JobNames } from './names.js';
import { everyOrExplain } from './schedule.js';

/** Posts a summary in #support once under its key (src/slack/post-once.ts). */
function postToSupport(ctx: AppContext, render: (summary: never) => Promise<{ text: string; blocks: KnownBlock[] }>) {
  return async (key: string, kind: string, summary: unknown) => {
    const now = ctx.clock.now();
    const message = await render(summary as never);
    const posted = postMessageOnce(ctx, {
      key,
      kind,
      at: now,
      channel: ctx.config.SUPPORT_CHANNEL_ID,
      ...message,
      eventType: SUMMARY_EVENT_TYPE,
      since: new Date(Date.now() - 86_400_000),
    });
    // Another process is posting this very summary right now: it is theirs to finish (their job retries on failure).
    return posted.catch((err: unknown) => {
      if (err instanceof BusyElsewhereError) return { by: 'earlier' as const };
      throw err;
    });
  };
}

/** The daily triage summary, once per team-local day. Exported so tests and tools can run it on demand. */
export async function postDailySummary(ctx: AppContext): Promise<SummaryOutcome> {
  return runDailySummary(
    ctx,
    postToSupport(ctx, async (summary: DailySummary) =>
      dailySummaryMessage(summary, { workspaceUrl: await workspaceUrl(ctx.slack), incidents: await incidentPeriodStats(ctx, { start: summary.since, end: summary.now }, summary.now) }),
    ),
  );
}

export async function postWeeklyDigest(ctx: AppContext): Promise<'posted' | 'already_posted'> {
  const post = postToSupport(ctx, async (review: WeeklyReview) => weeklyDigestMessage(review, ctx.policy.timeZone));
  return runWeeklyDigest(ctx, async (key, kind, review) => {
    const posted = await post(key, kind, review);
    // The same charts as /support-report, after the text, shared by the run that posted the digest. Best
    // effort: the digest's delivery is done whatever happens here, so a failed upload never makes the
    // job's retry post the digest twice, and the charts never go out twice (their own delivery).
    if (posted.by === 'sent') {
      await shareCharts(ctx, key, review.current).catch((err: unknown) => ctx.logger.warn({ err }, 'weekly digest charts could not be uploaded; the digest text has the same figures'));
    }
    return posted;
  });
}

/** Real milliseconds a worker may hold the chart upload: above uploadFiles' 60 s per file. */
const CHART_UPLOAD_CLAIM_MS = 5 * 60_000;

async function shareCharts(ctx: AppContext, summaryKey: string, week: WeeklyReview['current']): Promise<void> {
  const charts = await renderReportCharts(week, { bucket: 'day', trend: false, timeZone: ctx.policy.timeZone });
  const files = charts.map((c) => ({ filename: c.name, title: c.title, bytes: c.png.bytes, altText: c.altText }));
  await deliverOnce(ctx.models, {
    key: OnceKeys.summaryCharts(summaryKey),
    kind: DeliveryKinds.summaryCharts,
    at: ctx.clock.now(),
    deadlineMs: CHART_UPLOAD_CLAIM_MS,
    send: async () => ({ files: await uploadFiles(ctx.slack, files, { channel: ctx.config.SUPPORT_CHANNEL_ID, comment: 'Charts of the weekly review.' }) }),
  });
}

const SUMMARY_EVENT_TYPE = 'deskbell_summary';

/** A failed post (Slack down) is retried with backoff; the delivery stays pending, so the retry posts it. */
export function defineSummaryJobs(agenda: Agenda, ctx: AppContext): void {
  const backoff = deliveryBackoff(ctx, 8, { firstDelayMs: Math.max(ctx.retryBaseMs, 1000) * 15, maxDelayMs: 30 * 60_000 });
  agenda.define(JobNames.dailySummary, async () => void (await postDailySummary(ctx)), { concurrency: 1, backoff, lockLifetime: 10 * 60_000 });
  agenda.define(JobNames.weeklyDigest, async () => void (await postWeeklyDigest(ctx)), { concurrency: 1, backoff, lockLifetime: 10 * 60_000 });
}

/** Cron expressions read in the team's time zone (SUPPORT_TIMEZONE), so 09:30 stays 09:30 across DST. */
export async function scheduleSummaryJobs(agenda: Agenda, ctx: AppContext): Promise<void> {
  await everyOrExplain(agenda, ctx.config.DAILY_SUMMARY_CRON, JobNames.dailySummary, 'DAILY_SUMMARY_CRON', ctx.config.SUPPORT_TIMEZONE);
  await everyOrExplain(agenda, ctx.config.WEEKLY_DIGEST_CRON, JobNames.weeklyDigest, 'WEEKLY_DIGEST_CRON', ctx.config.SUPPORT_TIMEZONE);
}
