import { backoffStrategies, type Agenda } from 'agenda';
import type { AppContext } from '../src/context.js';
import { postCard, postThreadNote, updateCard } from '../src/slack/cards.js';
import { sendOutboxMail } from '../src/mail/send-outbox.js';
import { JobNames } from './names.js';

/** Card posts, card updates, thread notes and mail: retried with exponential backoff; the reconcile sweep re-arms anything left behind. */
export function defineDeliveryJobs(agenda: Agenda, ctx: AppContext): void {
  const backoff = backoffStrategies.exponential({ delay: ctx.retryBaseMs, factor: 2, maxDelay: 10 * 60_000, maxRetries: 30, jitter: 0.1 });
  const options = { backoff, concurrency: 8, removeOnComplete: true };
  const log = ctx.logger.child({ component: 'jobs' });

  agenda.define<{ ticketId: string }>(JobNames.postCard, async (job) => postCard(ctx.cards, job.attrs.data.ticketId), options);
  agenda.define<{ ticketId: string }>(JobNames.updateCard, async (job) => updateCard(ctx.cards, job.attrs.data.ticketId), options);
  agenda.define<{ ticketId: string; eventId: string }>(
    JobNames.threadNote,
    async (job) => postThreadNote(ctx.cards, job.attrs.data.ticketId, job.attrs.data.eventId),
    options,
  );
  agenda.define<{ outboxId: string }>(JobNames.sendMail, async (job) => sendOutboxMail(ctx, job.attrs.data.outboxId), options);

  agenda.on('fail', (err: Error, job: { attrs: { name: string; data: unknown; failCount?: number } }) => {
    log.warn({ job: job.attrs.name, data: job.attrs.data, failCount: job.attrs.failCount, err: err.message }, 'job failed; will retry');
  });
}
