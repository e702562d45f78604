import { DeliveryKinds, OnceKeys } from '../db/once-keys.js';
import type { DeliverSummary } from './daily-summary.js';
import type { DomainDeps } from './deps.js';
import { computeFeedbackReport, taggedTickets, type FeedbackReport } from './feedback.js';
import { subjectKey } from './report-figures.js';
import { csvCell, localStamp } from './report-csv.js';
import type { Window } from './report-period.js';
import { formatLocalDate, localDate } from './local-time.js';
import { weekEndingAt } from './weekly-review.js';

/** The feedback report of the seven days before `end` against the seven before them. */
export async function computeWeeklyFeedback(
  deps: Pick<DomainDeps, 'models' | 'settings' | 'policy'>,
  end: Date,
): Promise<FeedbackReport> {
  const current = weekEndingAt(end, deps.policy.timeZone);
  return computeFeedbackReport(deps, current, weekEndingAt(current.start, deps.policy.timeZone));
}

/** Posts the week's feedback digest once (one delivery per team-local day), like the weekly review. */
export async function runFeedbackDigest(
  deps: DomainDeps,
  deliver: DeliverSummary<FeedbackReport>,
): Promise<'posted' | 'already_posted'> {
  const now = deps.clock.now();
  const key = OnceKeys.feedbackDigest(formatLocalDate(localDate(now, deps.policy.timeZone)));
  if (await deps.models.Delivery.exists({ _id: key, state: 'done' })) return 'already_posted';
  const report = await computeWeeklyFeedback(deps, now);
  const { by } = await deliver(key, DeliveryKinds.feedbackDigest, report);
  if (by !== 'sent') return 'already_posted';
  deps.logger.info({ tagged: report.current.tagged }, 'feedback digest posted');
  return 'posted';
}

export const FEEDBACK_CSV_COLUMNS = ['key', 'tagged_at', 'created', 'tags', 'theme', 'subject', 'status'] as const;

/** The period's tagged tickets, one line each, with the theme (normalised subject) that groups them. */
export async function buildFeedbackCsv(
  deps: Pick<DomainDeps, 'models' | 'policy'>,
  w: Window,
  opts: { includeRequester: boolean },
): Promise<{ bytes: Buffer; rows: number }> {
  const tz = deps.policy.timeZone;
  const rows = await taggedTickets(deps, w);
  const header = [...FEEDBACK_CSV_COLUMNS, ...(opts.includeRequester ? ['requester'] : [])];
  const lines = [header.join(',')];
  for (const t of rows) {
    const cells = [
      t.key,
      localStamp(t.feedback?.taggedAt, tz),
      localStamp(t.createdAt, tz),
      (t.feedback?.tags ?? []).join('; '),
      subjectKey(t.subject),
      t.subject,
      t.status,
      ...(opts.includeRequester ? [t.requester?.email ?? ''] : []),
    ];
    lines.push(cells.map(csvCell).join(','));
  }
  return { bytes: Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8'), rows: rows.length };
}
