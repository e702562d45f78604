import { usergroupMention } from './text.js';

/** The one answer to someone outside SUPPORT_TEAM_USERGROUP, whatever they tried (a click, a form, a command). */
export function notInTeamText(usergroup: string | undefined): string {
  return `:no_entry: Only members of ${usergroupMention(usergroup) || 'the support team'} can act on support tickets, and you are not one. Ask a support lead to add you to the group.`;
}
