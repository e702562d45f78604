import { backoffStrategies, type Agenda } from 'agenda';
import type { AppContext } from '../src/context.js';
import { postCard, postThreadNote, updateCard } from '../src/slack/cards.js';
import { sendAssigneeDm } from '../src/slack/assignee-dm.js';
import { sendSlaDirectMessage } from '../src/slack/sla-dm.js';
import { sendOutboxMail } from '../src/mail/send-outbox.js';
import { JobNames } from './names.js';

type Data = Record<string, string>;

/**
 * The one exponential backoff every job retries with: doubling from RETRY_BASE (shortened in tests, or
 * `firstDelayMs`), at most `maxDelayMs` apart, `maxRetries` times.
 */
export function deliveryBackoff(ctx: Pick<AppContext, 'retryBaseMs'>, maxRetries = 30, { maxDelayMs = 10 * 60_000, firstDelayMs = ctx.retryBaseMs } = {}) {
  return backoffStrategies.exponential({ delay: firstDelayMs, factor: 2, maxDelay: maxDelayMs, maxRetries, jitter: 0.1 });
}

/**
 * Card posts and updates, thread notes, mail and event DMs: each a once-only delivery (src/db/once.ts),
 * retried with backoff; the reconcile sweep asks again for anything left behind. Each records its own job
 * on its delivery record so the sweep can re-ask for it without knowing what it is.
 */
export function defineDeliveryJobs(agenda: Agenda, ctx: AppContext): void {
  const options = { backoff: deliveryBackoff(ctx), concurrency: 8, removeOnComplete: true };
  const log = ctx.logger.child({ component: 'jobs' });
  const job = (name: string, data: Data) => ({ name, data });

  agenda.define<{ ticketId: string }>(JobNames.postCard, async (j) => postCard(ctx, j.attrs.data.ticketId, job(JobNames.postCard, j.attrs.data)), options);
  agenda.define<{ ticketId: string }>(JobNames.updateCard, async (j) => updateCard(ctx, j.attrs.data.ticketId), options);
  agenda.define<{ ticketId: string; eventId: string }>(
    JobNames.threadNote,
    async (j) => postThreadNote(ctx, j.attrs.data.ticketId, j.attrs.data.eventId, job(JobNames.threadNote, j.attrs.data)),
    options,
  );
  agenda.define<{ outboxId: string }>(JobNames.sendMail, async (j) => sendOutboxMail(ctx, j.attrs.data.outboxId, job(JobNames.sendMail, j.attrs.data)), options);
  const dmOptions = { ...options, backoff: deliveryBackoff(ctx, 20), concurrency: 4 };
  agenda.define<{ ticketId: string; eventId: string }>(
    JobNames.assigneeDm,
    async (j) => sendAssigneeDm(ctx, j.attrs.data.ticketId, j.attrs.data.eventId, job(JobNames.assigneeDm, j.attrs.data)),
    dmOptions,
  );
  agenda.define<{ ticketId: string; eventId: string }>(
    JobNames.slaDirectMessage,
    async (j) => sendSlaDirectMessage(ctx, j.attrs.data.ticketId, j.attrs.data.eventId, job(JobNames.slaDirectMessage, j.attrs.data)),
    dmOptions,
  );

  agenda.on('fail', (err: Error, j: { attrs: { name: string; data: unknown; failCount?: number } }) => {
    log.warn({ job: j.attrs.name, data: j.attrs.data, failCount: j.attrs.failCount, err: err.message }, 'job failed; will retry');
  });
}
