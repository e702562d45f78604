import type { DomainDeps } from './deps.js';
import { changeTicket } from './ticket-changes.js';

/**
 * GitHub would not take the comment an event of a GitHub ticket called for (a locked or deleted issue, a
 * missing permission): the requester has not seen it, so the card's thread says so, once per event.
 */
export async function noteIssueCommentRefused(deps: DomainDeps, ticketId: string, eventId: string, reason: string) {
  const actor = { type: 'system' as const, name: 'Deskbell' };
  await changeTicket(deps, ticketId, { actor, dedupeKey: `issue-comment-refused:${eventId}` }, (_ticket, record) => {
    const text = `GitHub refused the comment on the issue (it ${reason}): the requester has not seen it.`;
    record({ kind: 'issue_comment_refused', text, notify: true, data: { eventId } });
  });
}
