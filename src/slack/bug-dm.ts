import { bugName } from '../domain/bug-queries.js';
import { bugFixedDmText } from '../../views/bug.js';
import type { CardDeps } from './cards.js';
import { sendEventDm } from './direct-message.js';

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
      if (!ticket.card?.ts || !ticket.card.channel)
        throw new Error(`card of ${ticket.key} is not posted yet; the DM waits for it`);
      const { permalink } = await deps.slack.chat.getPermalink({
        channel: ticket.card.channel,
        message_ts: ticket.card.ts,
      });
      if (!permalink) throw new Error('chat.getPermalink answered without a permalink');
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
