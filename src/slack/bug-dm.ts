import { bugName } from '../domain/bug-queries.js';
import { bugFixedDmText } from '../../views/bug.js';
import type { CardDeps } from './cards.js';
import { sendEventDm } from './direct-message.js';
import { postedCardLink } from './permalink.js';

/** DMs a ticket's assignee that its bug is fixed (a `bug_fixed` event), once, with a link to the card. */
export async function sendBugFixedDm(
  deps: CardDeps,
  ticketId: string,
  eventId: string,
  job?: { name: string; data: Record<string, string> },
): Promise<void> {
  await sendEventDm(
    deps,
    'bug-fixed-dm',
    ticketId,
    eventId,
    async (ticket) => {
      if (!ticket.assignee || !ticket.bug?.id) return undefined;
      const permalink = await postedCardLink(deps.slack, ticket, 'the DM');
      const bug = bugName({ tracker: ticket.bug.tracker ?? 'github', key: ticket.bug.key });
      return {
        to: ticket.assignee,
        text: bugFixedDmText({
          key: ticket.key,
          subject: ticket.subject,
          bug,
          permalink,
          auto: deps.settings?.bugs.fixNotify === 'auto',
        }),
      };
    },
    job,
  );
}
