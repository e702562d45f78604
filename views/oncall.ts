import type { OnCall } from '../src/domain/incidents/on-call-now.js';
import { slackDate, userMention, usergroupMention } from './text.js';

/** `/support oncall`: who is on call now, who is next, and until when. */
export function onCallText(now: OnCall): string {
  switch (now.source) {
    case 'rotation':
      return [
        `:pager: *On call now:* ${now.users.map(userMention).join(', ')}${now.until ? ` until ${slackDate(now.until)}` : ''}`,
        `*Next:* ${now.secondary ? userMention(now.secondary) : '_nobody else in the rotation_'}`,
        'Covering for someone? `/support oncall take` (until the end of this shift) or `/support oncall take until 2026-12-24`.',
      ].join('\n');
    case 'usergroup':
      return `:pager: On call: everyone in ${usergroupMention(now.usergroup)} (ONCALL_USERGROUP). Set ONCALL_FILE for a weekly rotation.`;
    case 'leads':
      return `:pager: No on-call rotation is set up: P0 pages go to the leads, ${usergroupMention(now.usergroup)}. Set ONCALL_FILE or ONCALL_USERGROUP.`;
    default:
      return ':warning: Nobody is on call: set ONCALL_FILE, ONCALL_USERGROUP or SUPPORT_LEADS_USERGROUP so P0 pages reach someone.';
  }
}

export function onCallTakenText(until: Date): string {
  return `:pager: You are on call until ${slackDate(until)}. P0 pages come to you first.`;
}

export function incidentDeclaredText(key: string, ticketKey: string, created: boolean): string {
  return created
    ? `:rotating_light: *${key}* declared (${ticketKey}). The war room is opening, #support is alerted and on-call is paged.`
    : `${key} (${ticketKey}) was already declared.`;
}
