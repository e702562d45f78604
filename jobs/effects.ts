import type { Agenda } from 'agenda';
import type { Effects } from '../src/domain/effects.js';
import { isUpsertRace, withUpsertRetry } from '../src/db/upsert-retry.js';
import { refreshHomeJob } from './home.js';
import { JobNames } from './names.js';

/**
 * Asks for a delivery job, coalescing with one that is waiting for the same target. The unique query
 * matches only a job that is waiting (not locked by a worker, not finished for good) and `insertOnly`
 * leaves it as it is: re-asking never unlocks or re-times a job that is running. While one runs, a new
 * job is inserted; the once-only delivery (src/db/once.ts) makes the later one a no-op if nothing is left.
 */
export async function enqueueDelivery(agenda: Agenda, name: string, data: Record<string, string>, at = new Date()): Promise<void> {
  const query: Record<string, unknown> = { name, lockedAt: null, nextRunAt: { $ne: null } };
  for (const [k, v] of Object.entries(data)) query[`data.${k}`] = v;
  await withUpsertRetry(() => agenda.create(name, data).unique(query, { insertOnly: true }).schedule(at).save());
}

/** Effects as durable Agenda jobs. */
export function agendaEffects(agenda: Agenda): Effects {
  const enqueue = (name: string, data: Record<string, string>) => enqueueDelivery(agenda, name, data);
  return {
    postCard: (ticketId) => enqueue(JobNames.postCard, { ticketId }),
    // Not unique: a finishing run could overwrite a re-arm and lose the latest change; an extra chat.update is harmless.
    updateCard: async (ticketId) => void (await agenda.now(JobNames.updateCard, { ticketId })),
    threadNote: (ticketId, eventId) => enqueue(JobNames.threadNote, { ticketId, eventId }),
    sendMail: (outboxId) => enqueue(JobNames.sendMail, { outboxId }),
    refreshHome: (userId) => refreshHomeJob(agenda, userId),
    dmAssignee: (ticketId, eventId) => enqueue(JobNames.assigneeDm, { ticketId, eventId }),
    slaDirectMessage: (ticketId, eventId) => enqueue(JobNames.slaDirectMessage, { ticketId, eventId }),
    openIncident: (incidentId) => enqueue(JobNames.incidentOpen, { incidentId }),
    sendPage: (incidentId, eventId) => enqueue(JobNames.incidentPage, { incidentId, eventId }),
    incidentNote: (incidentId, eventId) => enqueue(JobNames.incidentNote, { incidentId, eventId }),
    // Not coalesced with a running refresh: it may have read the incident before this change.
    refreshIncident: async (incidentId) => void (await agenda.now(JobNames.incidentRefresh, { incidentId })),
    pagerDuty: (incidentId, action, round = 0) => enqueue(JobNames.pagerDuty, { incidentId, action, ...(round ? { round: String(round) } : {}) }),
    // Coalesces with a waiting refresh, which renders whatever is stored when it runs. Hundreds of tickets
    // joining at once ask together: losing the upsert race means a concurrent ask inserted that same job.
    refreshStormCard: (stormId, at) => enqueueDelivery(agenda, JobNames.stormCard, { stormId }, at).catch((err: unknown) => {
      if (!isUpsertRace(err)) throw err;
    }),
    applyStormAction: (stormId, actionId) => enqueue(JobNames.stormAction, { stormId, actionId }),
    stormNote: (stormId, actionId) => enqueue(JobNames.stormNote, { stormId, actionId }),
    // Part 2's incident work shares one job name: every name costs a query per poll in every process.
    incidentUpdate: (incidentId, eventId) => enqueue(JobNames.incidentWork, { what: 'update', incidentId, eventId }),
    incidentReminder: (incidentId, kind, at, round) => enqueue(JobNames.incidentWork, { what: 'reminder', incidentId, kind, at: at.toISOString(), round: String(round) }),
    publishReport: (incidentId, revision) => enqueue(JobNames.incidentWork, { what: 'report', incidentId, revision: String(revision) }),
  };
}
