import { OnceKeys, DeliveryKinds } from '../db/once-keys.js';
import type { DeliverSummary } from './daily-summary.js';
import type { DomainDeps } from './deps.js';
import { bucketStarts, type Window } from './report-period.js';
import { computeReport, type PeriodReport, type PeriodStats } from './report-figures.js';
import { formatLocalDate, localDate, shiftLocalDays } from './local-time.js';

export { POSITIVE_SCORE, subjectKey, type Compliance, type Durations } from './report-figures.js';

/**
 * The weekly review is the report over the seven days before `end`: the same computation as
 * `/support-report` (report-figures.ts), so the digest and the report never disagree.
 */
export type WeekWindow = Window;
export type WeekStats = PeriodStats;
export type WeeklyReview = PeriodReport;

/** The seven days before `end` in the team's time zone (same local time a week earlier, across DST). */
export function weekEndingAt(end: Date, timeZone: string): WeekWindow {
  return { start: shiftLocalDays(end, -7, timeZone), end };
}

/** The weekly review for the week ending at `end` and the week before it, with a bucket a day for the charts. */
export async function computeWeeklyReview(
  deps: Pick<DomainDeps, 'models' | 'policy'>,
  end: Date,
): Promise<WeeklyReview> {
  const current = weekEndingAt(end, deps.policy.timeZone);
  const previous = weekEndingAt(current.start, deps.policy.timeZone);
  return computeReport(deps, { current, previous, buckets: bucketStarts(current, 'day', deps.policy.timeZone) });
}

/** Posts the week's digest once (one delivery per team-local day it is made), like the daily summary. */
export async function runWeeklyDigest(
  deps: DomainDeps,
  deliver: DeliverSummary<WeeklyReview>,
): Promise<'posted' | 'already_posted'> {
  const now = deps.clock.now();
  const key = OnceKeys.weeklyDigest(formatLocalDate(localDate(now, deps.policy.timeZone)));
  if (await deps.models.Delivery.exists({ _id: key, state: 'done' })) return 'already_posted';
  const review = await computeWeeklyReview(deps, now);
  const { by } = await deliver(key, DeliveryKinds.weeklyDigest, review);
  if (by !== 'sent') return 'already_posted';
  deps.logger.info({ created: review.current.created, resolved: review.current.resolved }, 'weekly digest posted');
  return 'posted';
}
