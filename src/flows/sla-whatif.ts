import { dirname } from 'node:path';
import { renderWhatIfChart } from '../charts/whatif-chart.js';
import type { AppContext } from '../context.js';
import { resolvePeriod } from '../domain/report-period.js';
import { alternativePolicy, computeWhatIf, type WhatIfRequest } from '../domain/sla-whatif.js';
import { uploadFiles } from '../slack/upload.js';
import { whatIfMessage } from '../../views/sla-whatif.js';
import type { ReportAudience } from './support-report.js';

/**
 * `/support-report sla-whatif`: replays the period against another policy and shows the caller the change,
 * ephemerally, with the chart in a DM (an ephemeral message cannot carry uploads), like the report.
 */
export async function deliverWhatIf(ctx: AppContext, request: WhatIfRequest, to: ReportAudience): Promise<void> {
  const dir = ctx.config.SLA_POLICY_FILE ? dirname(ctx.config.SLA_POLICY_FILE) : process.cwd();
  const { policy, label } = alternativePolicy(ctx.policy, request.alternative, dir);
  const period = resolvePeriod(request.period, ctx.clock.now(), ctx.policy.timeZone);
  const report = await computeWhatIf(ctx, period.current, policy);
  const chart = await renderWhatIfChart(report, label);
  const message = whatIfMessage(report, {
    label,
    period: period.label,
    note: chart ? 'Only you can see this. The chart is in your DM with Deskbell.' : 'Only you can see this.',
  });
  await to.tell(message.text, message.blocks);
  if (!chart) return;
  const opened = await ctx.slack.conversations.open({ users: to.user });
  const dm = opened.channel?.id ?? to.user;
  await uploadFiles(
    ctx.slack,
    [{ filename: chart.name, title: chart.title, bytes: chart.png.bytes, altText: chart.altText }],
    { channel: dm, comment: `SLA what-if, ${period.label}: ${message.text}` },
  );
}
