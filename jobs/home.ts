import type { Agenda } from 'agenda';
import { deliveryBackoff } from './delivery.js';
import type { AppContext } from '../src/context.js';
import { publishHome } from '../src/slack/home.js';
import { JobNames } from './names.js';

/**
 * How long a refresh waits after the first change asks for it. Every change in that window rides on the
 * same job (see `refreshHomeJob`), so a burst of edits to someone's tickets costs one views.publish.
 */
export const HOME_REFRESH_DELAY_MS = 5_000;

/**
 * Asks for a refresh of `userId`'s App Home, throttled. The unique query matches only a refresh that is
 * still waiting (not locked by a worker): joining it changes nothing (`insertOnly` keeps its time, so a
 * steady stream of changes cannot postpone it forever). Once a worker has picked it up, it may already have
 * read the tickets, so a later change schedules a new one. Completed jobs are removed, making room.
 */
export async function refreshHomeJob(agenda: Agenda, userId: string): Promise<void> {
  await agenda
    .create(JobNames.refreshHome, { userId })
    .unique({ 'data.userId': userId, lockedAt: null, nextRunAt: { $ne: null } }, { insertOnly: true })
    .schedule(new Date(Date.now() + HOME_REFRESH_DELAY_MS))
    .save();
}

export function defineHomeJobs(agenda: Agenda, ctx: AppContext): void {
  // Few retries: a missed refresh is repaired by the next change or by the user opening the tab.
  const backoff = deliveryBackoff(ctx, 3, { maxDelayMs: 60_000 });
  agenda.define<{ userId: string }>(JobNames.refreshHome, async (job) => publishHome(ctx, job.attrs.data.userId), { backoff, concurrency: 4, removeOnComplete: true });
}
