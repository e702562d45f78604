import type { Effects } from '../domain/effects.js';
import { freshIntakeClaim } from '../domain/intake-claim.js';
import { EffectNames as N } from './names.js';
import type { DeliveryWorker } from './worker.js';

/**
 * How long a refresh of someone's App Home waits after the first change asks for it: every change in
 * that window rides on the same effect, so a burst of edits costs one views.publish.
 */
export const HOME_REFRESH_DELAY_MS = 5_000;

/** The domain's effects as records in the delivery queue, worked at once by this process's worker. */
export function queuedEffects(worker: Pick<DeliveryWorker, 'ask' | 'working' | 'holdMs' | 'runHeld'>): Effects {
  const once = (name: string, data: Record<string, string>) => worker.ask({ name, data });
  // Re-renders: a change during a render must be rendered once more, so an ask during a run re-arms it.
  const again = (name: string, data: Record<string, string>, at?: Date) =>
    worker.ask({ name, data, mode: 'again', ...(at ? { at } : {}) });
  return {
    intakeClaim: () => (worker.working ? freshIntakeClaim(worker.holdMs) : undefined),
    ticketIntake: async (ticketId, held) =>
      held ? worker.runHeld(N.ticketIntake, { ticketId }, held) : once(N.ticketIntake, { ticketId }),
    postCard: (ticketId) => once(N.postCard, { ticketId }),
    updateCard: (ticketId) => again(N.updateCard, { ticketId }),
    threadNote: (ticketId, eventId) => once(N.threadNote, { ticketId, eventId }),
    sendMail: (outboxId) => once(N.sendMail, { outboxId }),
    refreshHome: (userId) => again(N.refreshHome, { userId }, new Date(Date.now() + HOME_REFRESH_DELAY_MS)),
    dmAssignee: (ticketId, eventId) => once(N.assigneeDm, { ticketId, eventId }),
    slaDirectMessage: (ticketId, eventId) => once(N.slaDirectMessage, { ticketId, eventId }),
    openIncident: (incidentId) => once(N.incidentOpen, { incidentId }),
    sendPage: (incidentId, eventId) => once(N.incidentPage, { incidentId, eventId }),
    incidentNote: (incidentId, eventId) => once(N.incidentNote, { incidentId, eventId }),
    refreshIncident: (incidentId) => again(N.incidentRefresh, { incidentId }),
    pagerDuty: (incidentId, action, round = 0) =>
      once(N.pagerDuty, { incidentId, action, ...(round ? { round: String(round) } : {}) }),
    incidentUpdate: (incidentId, eventId) => once(N.incidentUpdate, { incidentId, eventId }),
    incidentReminder: (incidentId, kind, at, round) =>
      once(N.incidentReminder, { incidentId, kind, at: at.toISOString(), round: String(round) }),
    publishReport: (incidentId, revision) => once(N.incidentReport, { incidentId, revision: String(revision) }),
    refreshStormCard: (stormId, at) => again(N.stormCard, { stormId }, at),
    applyStormAction: (stormId, actionId) => once(N.stormAction, { stormId, actionId }),
    stormNote: (stormId, actionId) => once(N.stormNote, { stormId, actionId }),
    similarMatches: (ticketId) => once(N.similarMatches, { ticketId }),
    fileBug: (bugId) => once(N.fileBug, { bugId }),
    bugComment: (bugId, ticketId) => once(N.bugComment, { bugId, ticketId }),
    // A state change during a sync must be synced once more.
    bugSync: (bugId) => again(N.bugSync, { bugId }),
    bugFixedDm: (ticketId, eventId) => once(N.bugFixedDm, { ticketId, eventId }),
    issueComment: (ticketId, eventId) => once(N.issueComment, { ticketId, eventId }),
  };
}
