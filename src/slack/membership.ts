import type { WebClient } from '@slack/web-api';
import { usergroupMention } from '../../views/text.js';

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
    /**
     * Why `assignee` cannot own a ticket, or undefined when they can. Tickets go to people in the support
     * team only: an outsider would be DMed the card and see the requester's mail; apps and deactivated
     * accounts cannot answer. `actor` assigning themselves needs no account lookup.
     */
    async whyCannotOwn(assignee: string, actor: string): Promise<string | undefined> {
      if (usergroup && !(await this.mayAct(assignee)))
        return `<@${assignee}> is not in ${usergroupMention(usergroup)}, so they cannot own a ticket. Nothing was changed.`;
      if (assignee === actor) return undefined;
      const { user } = await slack.users.info({ user: assignee });
      if (user?.is_bot || user?.deleted)
        return `<@${assignee}> cannot own a ticket: ${user.is_bot ? 'it is an app' : 'the account is deactivated'}. Nothing was changed.`;
      return undefined;
    },
    usergroup,
  };
}

export type TeamGate = ReturnType<typeof createTeamGate>;
