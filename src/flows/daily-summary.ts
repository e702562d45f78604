import type { AppContext } from '../context.js';
import { runDailySummary, type DailySummary, type SummaryOutcome } from '../domain/daily-summary.js';
import { incidentPeriodStats } from '../domain/incidents/overview.js';
import { postSummary } from '../slack/summary-post.js';
import { workspaceUrl } from '../slack/workspace-url.js';
import { dailySummaryMessage } from '../../views/daily-summary.js';

/** The daily triage summary, once per team-local day: the domain counts, the view draws, Slack gets it once. */
export async function postDailySummary(ctx: AppContext): Promise<SummaryOutcome> {
  return runDailySummary(ctx, async (key, kind, summary: DailySummary) => {
    const window = { start: summary.since, end: summary.now };
    const incidents = await incidentPeriodStats(ctx, window, summary.now);
    const message = dailySummaryMessage(summary, { workspaceUrl: await workspaceUrl(ctx.slack), incidents });
    return postSummary(ctx, key, kind, message);
  });
}
