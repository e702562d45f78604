import { backoffStrategies, type Agenda } from 'agenda';
import type { AppContext } from '../src/context.js';
import { sendAssigneeDm } from '../src/slack/assignee-dm.js';
import { JobNames } from './names.js';

/** The DM to a new assignee: retried with backoff like the card's other deliveries (it waits for the card to exist). */
export function defineAssigneeDmJob(agenda: Agenda, ctx: AppContext): void {
  const backoff = backoffStrategies.exponential({ delay: ctx.retryBaseMs, factor: 2, maxDelay: 10 * 60_000, maxRetries: 20, jitter: 0.1 });
  agenda.define<{ ticketId: string; eventId: string }>(JobNames.assigneeDm, async (job) => sendAssigneeDm(ctx.cards, job.attrs.data.ticketId, job.attrs.data.eventId), {
    backoff,
    concurrency: 4,
    removeOnComplete: true,
  });
}
