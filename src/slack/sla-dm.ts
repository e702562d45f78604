import type { ReminderFacts } from '../domain/sla-sweep.js';
import { slaDirectMessageText } from '../../views/sla-notes.js';
import { messageUrl } from '../../views/ticket-list.js';
import type { CardDeps } from './cards.js';
import { sendEventDm } from './direct-message.js';
import { workspaceUrl } from './workspace-url.js';

/**
 * DMs the 75 % reminder of an `sla_warning` event, once. It goes to whoever is assigned when it is sent
 * (the one who must act), else to the assignee it was meant for.
 */
export async function sendSlaDirectMessage(
  deps: CardDeps,
  ticketId: string,
  eventId: string,
  job?: { name: string; data: Record<string, string> },
): Promise<void> {
  await sendEventDm(
    deps,
    'sla-dm',
    ticketId,
    eventId,
    async (ticket, event) => {
      const facts = (event.data as { sla?: ReminderFacts } | undefined)?.sla;
      const to = ticket.assignee ?? facts?.assignee;
      if (!facts || !to) return undefined;
      const base = ticket.card?.ts && ticket.card.channel ? await workspaceUrl(deps.slack) : undefined;
      const link =
        base && ticket.card?.channel && ticket.card.ts
          ? messageUrl(base, ticket.card.channel, ticket.card.ts)
          : undefined;
      return { to, text: slaDirectMessageText({ ...facts, dueAt: new Date(facts.dueAt) }, ticket, link) };
    },
    job,
  );
}
