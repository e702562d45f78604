import type { Agenda } from 'agenda';
import type { Effects } from '../src/domain/effects.js';
import { refreshHomeJob } from './home.js';
import { JobNames } from './names.js';
import { withUpsertRetry } from '../src/db/upsert-retry.js';

/**
 * Effects as durable Agenda jobs. `unique` keeps one job document per target: asking again while one is
 * pending coalesces, asking again after it ran re-arms it (the handlers are idempotent).
 */
export function agendaEffects(agenda: Agenda): Effects {
  const enqueue = async (name: string, data: Record<string, string>) => {
    const query: Record<string, string> = { name };
    for (const [k, v] of Object.entries(data)) query[`data.${k}`] = v;
    await withUpsertRetry(() => agenda.create(name, data).unique(query).schedule(new Date()).save());
  };
  return {
    postCard: (ticketId) => enqueue(JobNames.postCard, { ticketId }),
    // Not unique: a finishing run could overwrite a re-arm and lose the latest change; an extra chat.update is harmless.
    updateCard: async (ticketId) => void (await agenda.now(JobNames.updateCard, { ticketId })),
    threadNote: (ticketId, eventId) => enqueue(JobNames.threadNote, { ticketId, eventId }),
    sendMail: (outboxId) => enqueue(JobNames.sendMail, { outboxId }),
    refreshHome: (userId) => refreshHomeJob(agenda, userId),
    dmAssignee: (ticketId, eventId) => enqueue(JobNames.assigneeDm, { ticketId, eventId }),
    slaDirectMessage: (ticketId, eventId) => enqueue(JobNames.slaDirectMessage, { ticketId, eventId }),
  };
}
