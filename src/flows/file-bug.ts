import type { AppContext } from '../context.js';
import type { BugReport } from '../domain/bug-report.js';
import { reportSections } from '../domain/bug-report.js';
import { recordBugFiled, recordFilingProblem } from '../domain/bugs.js';
import { fileIssueOnce } from '../trackers/once.js';
import { trackerFailure } from '../trackers/types.js';

type Job = { name: string; data: Record<string, string> };

/**
 * Files a requested bug (src/domain/bugs.ts, requestBugFiling) in its tracker, once, and records the issue
 * on its ticket. A tracker that is down, answers 5xx or refuses keeps the request: the thread says why
 * and the delivery worker tries again (a refusal is fixed in the settings, after which the next try works).
 */
export async function fileBug(ctx: AppContext, bugId: string, job: Job): Promise<void> {
  const bug = await ctx.models.Bug.findById(bugId);
  if (!bug || bug.state !== 'filing' || !bug.request?.ticketId) return;
  const tracker = ctx.trackers[bug.tracker];
  if (!tracker) {
    await recordFilingProblem(ctx, bugId, { reason: 'is no longer configured', refused: true, final: true });
    return;
  }
  const ticket = await ctx.models.Ticket.findById(bug.request.ticketId, { key: 1 }).lean();
  const report = bug.request.report as BugReport;
  const draft = { title: report.title, sections: reportSections(report, ticket?.key ?? 'unknown'), marker: bugId };
  try {
    const issue = await fileIssueOnce(
      ctx,
      tracker,
      { id: bugId, ticketId: bug.request.ticketId, requestedAt: bug.request.at ?? bug.createdAt },
      draft,
      job,
    );
    await recordBugFiled(ctx, bugId, issue);
  } catch (err) {
    const failure = trackerFailure(err);
    ctx.logger.warn(
      { bug: bugId, tracker: bug.tracker, reason: failure.reason },
      failure.refused ? 'tracker refused a bug; retrying' : 'tracker did not take a bug; retrying',
    );
    await recordFilingProblem(ctx, bugId, failure);
    throw err;
  }
}
