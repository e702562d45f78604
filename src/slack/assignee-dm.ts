import { assigneeDmText } from '../../views/assignee-dm.js';
import type { CardDeps } from './cards.js';
import { sendEventDm } from './direct-message.js';
import { postedCardLink } from './permalink.js';

/**
 * DMs the assignee of an `assigned` event a link to the card, once. A DM for an assignment that was
 * superseded before it went out is dropped: it would point someone at a ticket that is no longer theirs.
 */
export async function sendAssigneeDm(
  deps: CardDeps,
  ticketId: string,
  eventId: string,
  job?: { name: string; data: Record<string, string> },
): Promise<void> {
  await sendEventDm(
    deps,
    'assignee-dm',
    ticketId,
    eventId,
    async (ticket, event) => {
      const data = (event.data ?? {}) as { assignee?: string; previous?: string | null };
      if (!data.assignee || ticket.assignee !== data.assignee) return undefined;
      const permalink = await postedCardLink(deps.slack, ticket, 'the assignee DM');
      const text = assigneeDmText({
        key: ticket.key,
        subject: ticket.subject,
        priority: ticket.priority ?? null,
        by: event.actor?.type === 'user' ? (event.actor.id ?? undefined) : undefined,
        previous: data.previous,
        permalink,
      });
      return { to: data.assignee, text };
    },
    job,
  );
}
