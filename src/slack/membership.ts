import type { WebClient } from '@slack/web-api';

const CACHE_MS = 60_000;

/**
 * Who may act on cards: members of SUPPORT_TEAM_USERGROUP when it is set, anyone otherwise.
 * The member list is cached for a minute so a burst of clicks costs one API call.
 */
export function createTeamGate(slack: WebClient, usergroup: string | undefined) {
  let cache: { at: number; members: Set<string> } | undefined;
  return {
    async mayAct(userId: string): Promise<boolean> {
      if (!usergroup) return true;
      if (!cache || Date.now() - cache.at > CACHE_MS) {
        const res = await slack.usergroups.users.list({ usergroup });
        cache = { at: Date.now(), members: new Set(res.users ?? []) };
      }
      return cache.members.has(userId);
    },
    usergroup,
  };
}

export type TeamGate = ReturnType<typeof createTeamGate>;
