import type { Agenda } from 'agenda';
import type { AppContext } from '../src/context.js';
import { applyStormAction } from '../src/domain/storm-actions.js';
import { postStormNote, refreshStormCard } from '../src/slack/storm-card.js';
import { deliveryBackoff } from './delivery.js';
import { JobNames } from './names.js';

/** Ticket storms: the storm card (posted once, then throttled updates), decisions applied to every ticket, their thread notes. */
export function defineStormJobs(agenda: Agenda, ctx: AppContext): void {
  const options = { backoff: deliveryBackoff(ctx), concurrency: 4, removeOnComplete: true };
  const job = (name: string, data: Record<string, string>) => ({ name, data });
  agenda.define<{ stormId: string }>(JobNames.stormCard, async (j) => refreshStormCard(ctx, j.attrs.data.stormId, job(JobNames.stormCard, j.attrs.data)), options);
  agenda.define<{ stormId: string; actionId: string }>(
    JobNames.stormAction,
    // Hundreds of tickets: the job says it is alive between pages so its lock is not taken over.
    async (j) => applyStormAction(ctx, j.attrs.data.stormId, j.attrs.data.actionId, async () => void (await j.touch())),
    { ...options, concurrency: 2 },
  );
  agenda.define<{ stormId: string; actionId: string }>(JobNames.stormNote, async (j) => postStormNote(ctx, j.attrs.data.stormId, j.attrs.data.actionId, job(JobNames.stormNote, j.attrs.data)), options);
}
