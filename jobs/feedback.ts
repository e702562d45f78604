import type { Agenda } from 'agenda';
import type { AppContext } from '../src/context.js';
import { postFeedbackDigest } from '../src/flows/feedback-digest.js';
import { deliveryBackoff } from './backoff.js';
import { JobNames } from './names.js';
import { everyOrExplain } from './schedule.js';

/** The weekly feedback digest; a failed post is retried with backoff (its delivery stays pending). */
export function defineFeedbackJobs(agenda: Agenda, ctx: AppContext): void {
  const backoff = deliveryBackoff(ctx, 8, {
    firstDelayMs: Math.max(ctx.retryBaseMs, 1000) * 15,
    maxDelayMs: 30 * 60_000,
  });
  agenda.define(JobNames.feedbackDigest, async () => void (await postFeedbackDigest(ctx)), {
    concurrency: 1,
    backoff,
    lockLifetime: 10 * 60_000,
  });
}

/** FEEDBACK_DIGEST_CRON in the team's time zone, only with a PRODUCT_CHANNEL_ID to post to. */
export async function scheduleFeedbackJobs(agenda: Agenda, ctx: AppContext): Promise<void> {
  if (!ctx.config.PRODUCT_CHANNEL_ID) {
    // Unset since an earlier start: the digest stops instead of failing every week.
    await agenda.cancel({ name: JobNames.feedbackDigest });
    return;
  }
  await everyOrExplain(
    agenda,
    ctx.config.FEEDBACK_DIGEST_CRON,
    JobNames.feedbackDigest,
    'FEEDBACK_DIGEST_CRON',
    ctx.config.SUPPORT_TIMEZONE,
  );
}
