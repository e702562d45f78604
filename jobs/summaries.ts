import type { Agenda } from 'agenda';
import { deliveryBackoff } from './backoff.js';
import type { AppContext } from '../src/context.js';
import { postDailySummary } from '../src/flows/daily-summary.js';
import { postWeeklyDigest } from '../src/flows/weekly-digest.js';
import { JobNames } from './names.js';
import { everyOrExplain } from './schedule.js';

/** A failed post (Slack down) is retried with backoff; the delivery stays pending, so the retry posts it. */
export function defineSummaryJobs(agenda: Agenda, ctx: AppContext): void {
  const backoff = deliveryBackoff(ctx, 8, {
    firstDelayMs: Math.max(ctx.retryBaseMs, 1000) * 15,
    maxDelayMs: 30 * 60_000,
  });
  agenda.define(JobNames.dailySummary, async () => void (await postDailySummary(ctx)), {
    concurrency: 1,
    backoff,
    lockLifetime: 10 * 60_000,
  });
  agenda.define(JobNames.weeklyDigest, async () => void (await postWeeklyDigest(ctx)), {
    concurrency: 1,
    backoff,
    lockLifetime: 10 * 60_000,
  });
}

/** Cron expressions read in the team's time zone (SUPPORT_TIMEZONE), so 09:30 stays 09:30 across DST. */
export async function scheduleSummaryJobs(agenda: Agenda, ctx: AppContext): Promise<void> {
  await everyOrExplain(
    agenda,
    ctx.config.DAILY_SUMMARY_CRON,
    JobNames.dailySummary,
    'DAILY_SUMMARY_CRON',
    ctx.config.SUPPORT_TIMEZONE,
  );
  await everyOrExplain(
    agenda,
    ctx.config.WEEKLY_DIGEST_CRON,
    JobNames.weeklyDigest,
    'WEEKLY_DIGEST_CRON',
    ctx.config.SUPPORT_TIMEZONE,
  );
}
