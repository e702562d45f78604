import type { App } from '@slack/bolt';
import type { AppContext } from '../../src/context.js';
import { MAX_DAYS, MAX_WEEKS, parseReportArgs } from '../../src/domain/report-period.js';
import { deliverReport } from '../../src/flows/support-report.js';
import { deliverFeedbackReport } from '../../src/flows/feedback-report.js';
import type { KnownBlock } from '@slack/types';
import { whatIfCommand } from './sla-whatif.js';
import { afterAck, tellUser } from '../respond.js';
import { notInTeamText } from '../../views/team-gate.js';

export const SUPPORT_REPORT_HELP =
  '*`/support-report [period] [csv] [post]`* shows the support figures for a period, each against the period of the same length before it: created, resolved, open and backlog; first-response and resolution times (median, p90, average; wall-clock and business hours); target compliance by priority; reopened rate and satisfaction against their targets; breakdowns by category, priority, channel and assignee; recurring subjects; incidents; with charts.\n' +
  '*Periods* (in the team’s time zone):\n' +
  '• `/support-report` — the last 7 days\n' +
  '• `last week`, `this month`, `last month`\n' +
  `• \`30d\`, \`90d\` — the last N days (1 to ${MAX_DAYS})\n` +
  '• `2026-10-01..2026-10-31` — from one day to another, both included\n' +
  `• \`weeks 8\` — a trend over the last N weeks (2 to ${MAX_WEEKS})\n` +
  '*SLA what-if*: `sla-whatif <schedule or policy file> [period]` replays the period’s tickets against another ' +
  'schedule or policy file (beside SLA_POLICY_FILE) and shows how compliance, breaches and warnings would change.\n' +
  '*Options*: `csv` adds a CSV of the period’s tickets; `post` shares the report in this channel instead of showing it to you alone with its charts and files.\n' +
  '• `/support-report feedback [period]` — feedback tags: top themes per tag, new feature requests, the feature-request log, a chart and the CSV of tagged tickets';

/** `/support-report`: parse, gate, hand over. The work is in src/flows/support-report.ts. */
export function register(app: App, ctx: AppContext): void {
  app.command('/support-report', async ({ ack, command }) => {
    if (/^\s*sla-whatif\b/i.test(command.text)) return whatIfCommand(ack, command, ctx);
    // `/support-report feedback [period] [post]`: the feedback figures (src/flows/feedback-report.ts).
    const feedback = /^\s*feedback\b/i.test(command.text);
    const parsed = parseReportArgs(feedback ? command.text.replace(/^\s*feedback\b/i, '') : command.text);
    if (!parsed.ok) {
      await ack({ response_type: 'ephemeral', text: `${parsed.error}.\n\n${SUPPORT_REPORT_HELP}` });
      return;
    }
    await ack();
    const { channel_id: channel, user_id: user } = command;
    await afterAck(ctx, { channel, user, what: '/support-report' }, async () => {
      // Recurring subjects and the CSV come from requesters' mail: the report is for the team only.
      if (!(await ctx.team.mayAct(user))) {
        await tellUser(ctx.slack, channel, user, notInTeamText(ctx.team.usergroup));
        return;
      }
      const tell = (text: string, blocks?: KnownBlock[]) => tellUser(ctx.slack, channel, user, text, blocks);
      const to = { user, channel, tell };
      await (feedback ? deliverFeedbackReport(ctx, parsed.request, to) : deliverReport(ctx, parsed.request, to));
    });
  });
}
