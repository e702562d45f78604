import type { SlackDeps } from './deps.js';

/** The members of a user group; none when Slack cannot say (a page or invite goes to the others anyway). */
export async function groupMembers(ctx: Pick<SlackDeps, 'slack' | 'logger'>, usergroup: string): Promise<string[]> {
  try {
    return (await ctx.slack.usergroups.users.list({ usergroup })).users ?? [];
  } catch (err) {
    ctx.logger.warn({ err, usergroup }, 'could not list a user group');
    return [];
  }
}
