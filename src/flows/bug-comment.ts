import type { AppContext } from '../context.js';
import { linkedCommentText } from '../domain/bug-report.js';
import { bugCommentPlan } from '../domain/bugs.js';
import { OnceKeys } from '../db/once-keys.js';
import { commentOnce } from '../trackers/once.js';

type Job = { name: string; data: Record<string, string> };

/** The one comment a newly linked ticket adds to its bug's issue: its key and the counts, never who. */
export async function postBugComment(ctx: AppContext, bugId: string, ticketId: string, job: Job): Promise<void> {
  const plan = await bugCommentPlan(ctx, bugId, ticketId);
  if (!plan) return;
  const tracker = ctx.trackers[plan.tracker];
  if (!tracker) return;
  const text = linkedCommentText(plan.ticketKey, plan.impact);
  const key = OnceKeys.bugComment(bugId, ticketId);
  const { refused } = await commentOnce(ctx, tracker, { key, ref: plan.ref, text, since: plan.since, ticketId, job });
  // A locked or deleted issue takes no comments: the link stands, the log says why the comment is missing.
  if (refused) ctx.logger.error({ bug: bugId, ticket: plan.ticketKey, reason: refused }, 'tracker refused a comment');
}
