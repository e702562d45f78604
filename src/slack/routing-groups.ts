import { routingUsergroups } from '../domain/sla-routing.js';
import type { SlackDeps } from './deps.js';
import { groupMembers } from './usergroups.js';

const CACHE_MS = 60_000;
const cache = new WeakMap<object, Map<string, { at: number; members: Set<string> }>>();

/**
 * The user groups named by SLA routing rules that `user` is in, for the ticket's assignment (a team's
 * schedule can follow its people). Member lists are cached a minute per client; a group Slack cannot list
 * counts as empty, so the ticket keeps the schedule its other facts route it to.
 */
export async function routingGroupsOf(
  ctx: Pick<SlackDeps, 'slack' | 'logger' | 'policy'>,
  user: string,
): Promise<string[] | undefined> {
  const groups = routingUsergroups(ctx.policy.routing);
  if (!groups.length) return undefined;
  let known = cache.get(ctx.slack);
  if (!known) cache.set(ctx.slack, (known = new Map()));
  const now = Date.now();
  const out: string[] = [];
  for (const group of groups) {
    let entry = known.get(group);
    if (!entry || now - entry.at > CACHE_MS)
      known.set(group, (entry = { at: now, members: new Set(await groupMembers(ctx, group)) }));
    if (entry.members.has(user)) out.push(group);
  }
  return out;
}
