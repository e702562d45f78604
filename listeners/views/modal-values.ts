import type { ViewStateValue } from '@slack/bolt';
import type { AppContext } from '../../src/context.js';
import type { Actor } from '../../src/domain/tickets.js';

/** The block holding an input whose block_id may carry a revision suffix (views/reply-modal.ts, revisedBlockId). */
export function findBlockId(values: Record<string, Record<string, ViewStateValue>>, base: string): string | undefined {
  return Object.keys(values).find((id) => id === base || id.startsWith(`${base}.`));
}

/**
 * The acting agent, named as the requester should see them in a mail's signature: the Slack profile's real
 * name when it can be read, else the user name.
 */
export async function agentActor(ctx: Pick<AppContext, 'slack' | 'logger'>, user: { id: string; name?: string; username?: string }): Promise<Actor> {
  const fallback = user.name ?? user.username;
  try {
    const res = await ctx.slack.users.info({ user: user.id });
    const name = res.user?.real_name || res.user?.profile?.real_name || res.user?.profile?.display_name || fallback;
    return { type: 'user', id: user.id, name: name || undefined };
  } catch (err) {
    ctx.logger.warn({ err, user: user.id }, 'could not read the agent profile; signing with the user name');
    return { type: 'user', id: user.id, name: fallback };
  }
}
