import type { App } from '@slack/bolt';
import type { AppContext } from '../../src/context.js';
import { computeWeeklyReview } from '../../src/domain/weekly-review.js';
import { weeklyDigestMessage } from '../../views/weekly-digest.js';
import { afterAck, tellUser } from '../respond.js';
import { notOnTeamText } from '../views/new-ticket.js';

const WEEK_MS = 7 * 24 * 3600_000;

export const SUPPORT_REPORT_HELP =
  '*`/support-report`* shows the weekly review to you alone: created, resolved and open; first-response and resolution times; target compliance by priority; reopened rate; satisfaction; top categories and recurring subjects, each against the week before.\n' +
  '• `/support-report` or `/support-report this week` — the last seven days\n' +
  '• `/support-report last week` — the seven days before those';

/** `/support-report`: the weekly review (the same computation as Friday's digest) for any lead, on demand. */
export function register(app: App, ctx: AppContext): void {
  app.command('/support-report', async ({ ack, command }) => {
    const arg = command.text.trim().toLowerCase().replace(/\s+/g, ' ');
    const weeksBack = arg === '' || arg === 'this week' ? 0 : arg === 'last week' ? 1 : undefined;
    if (weeksBack === undefined) {
      await ack({ response_type: 'ephemeral', text: SUPPORT_REPORT_HELP });
      return;
    }
    await ack();
    const { channel_id: channel, user_id: user } = command;
    await afterAck(ctx, { channel, user, what: '/support-report' }, async () => {
      // Recurring subjects come from requesters' mail: the report is for the team only.
      if (!(await ctx.team.mayAct(user))) {
        await tellUser(ctx.slack, channel, user, notOnTeamText(ctx));
        return;
      }
      const end = new Date(ctx.clock.now().getTime() - weeksBack * WEEK_MS);
      const review = await computeWeeklyReview(ctx, end);
      const { text, blocks } = weeklyDigestMessage(review, ctx.policy.timeZone);
      await tellUser(ctx.slack, channel, user, text, blocks);
    });
  });
}
