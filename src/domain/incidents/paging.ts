import type { IncidentDoc } from '../../db/models/incident.js';
import type { DomainDeps } from '../deps.js';
import { changeIncident, reopenings } from './changes.js';
import type { Actor } from '../types.js';

const PAGER: Actor = { type: 'system', name: 'Deskbell paging' };

export interface PageStep {
  /** The round now due (0 = the page at declaration), when it is later than the last one sent. */
  round?: number;
  /** The page has gone unanswered long enough to page the secondary and the leads too. */
  escalate: boolean;
  /** When to look again (undefined: nothing more to do). */
  nextAt?: Date;
}

/**
 * What paging an incident needs at `now` (pure): an unacknowledged page is repeated every `repeatMs`
 * (rounds counted from the declaration, so a late sweep sends the latest round, not a burst of missed
 * ones), and escalated once after `escalateMs`.
 */
export function pageStep(
  incident: Pick<IncidentDoc, 'declaredAt' | 'status'> & {
    page?: { round?: number | null; escalatedAt?: Date | null; acknowledgedAt?: Date | null } | null;
  },
  now: Date,
  s: { pageRepeatMs: number; pageEscalateMs: number },
): PageStep {
  if (incident.status !== 'active' || incident.page?.acknowledgedAt) return { escalate: false };
  const since = now.getTime() - incident.declaredAt.getTime();
  const due = Math.max(0, Math.floor(since / s.pageRepeatMs));
  const last = incident.page?.round ?? -1;
  const escalated = !!incident.page?.escalatedAt;
  const escalate = !escalated && since >= s.pageEscalateMs;
  const nextRound = incident.declaredAt.getTime() + (due + 1) * s.pageRepeatMs;
  const escalation = escalated || escalate ? Infinity : incident.declaredAt.getTime() + s.pageEscalateMs;
  return { ...(due > last ? { round: due } : {}), escalate, nextAt: new Date(Math.min(nextRound, escalation)) };
}

/**
 * Sends whatever paging is due for one incident, each round and the escalation once across processes:
 * recording the round on the incident (a version-guarded write, deduplicated by the round) is the claim;
 * the DMs follow as a once-only delivery per round (src/slack/incidents/page.ts).
 */
export async function advancePaging(deps: DomainDeps, incidentId: string): Promise<void> {
  const now = deps.clock.now();
  const change = await changeIncident(deps, incidentId, { actor: PAGER }, (incident, record) => {
    const step = pageStep(incident, now, deps.incidents);
    if (step.round !== undefined) {
      incident.page!.round = step.round;
      // Rounds after an escalation page everyone; the escalation's own event pages the secondary and leads.
      record({ kind: 'paged', data: { round: step.round, escalated: !!incident.page?.escalatedAt } });
    }
    if (step.escalate) {
      incident.page!.escalatedAt = now;
      record({
        kind: 'page_escalated',
        data: {
          after: deps.incidents.pageEscalateMs,
          secondary: incident.roles?.secondary,
          leads: deps.incidents.leadsUsergroup,
        },
      });
    }
    incident.page!.nextAt = step.nextAt ?? null;
  });
  if (!change.changed) {
    // Nothing new to page: only move the next check to where pageStep puts it (not an event of the incident's story).
    const step = pageStep(change.incident, now, deps.incidents);
    if (String(change.incident.page?.nextAt ?? '') !== String(step.nextAt ?? '')) {
      await deps.models.Incident.updateOne(
        { _id: incidentId },
        { $set: { 'page.nextAt': step.nextAt ?? null }, $inc: { __v: 1 } },
      );
    }
    return;
  }
  for (const e of change.events) await deps.effects.sendPage(incidentId, String(e._id));
}

/** Every active incident whose paging is due (indexed on page.nextAt), oldest first. */
export async function sweepPaging(deps: DomainDeps): Promise<number> {
  const now = deps.clock.now();
  const due = await deps.models.Incident.find({ 'page.nextAt': { $lte: now }, status: 'active' }, { _id: 1, key: 1 })
    .sort({ 'page.nextAt': 1 })
    .limit(500)
    .lean();
  for (const i of due) {
    await advancePaging(deps, String(i._id)).catch((err: unknown) =>
      deps.logger.error({ err, incident: i.key }, 'paging failed; the next sweep retries'),
    );
  }
  return due.length;
}

/** Acknowledges the page: repeats stop; shown in the war room, the brief and the incident's timeline. */
export async function acknowledgePage(
  deps: DomainDeps,
  incidentId: string,
  actor: Actor,
  dedupeKey?: string,
): Promise<{ incident: IncidentDoc; changed: boolean }> {
  const now = deps.clock.now();
  const change = await changeIncident(
    deps,
    incidentId,
    { actor, ...(dedupeKey ? { dedupeKey } : {}) },
    (incident, record) => {
      if (incident.page?.acknowledgedAt || incident.status !== 'active') return;
      incident.page!.acknowledgedAt = now;
      incident.page!.acknowledgedBy = actor.id ?? null;
      incident.page!.nextAt = null;
      record({ kind: 'page_acknowledged', data: { by: actor.id } });
    },
  );
  if (change.changed) {
    await deps.effects.incidentNote(incidentId, String(change.events[0]!._id));
    await deps.effects.refreshIncident(incidentId);
    if (deps.incidents.pagerDuty) await deps.effects.pagerDuty(incidentId, 'acknowledge', reopenings(change.incident));
  }
  return change;
}

/** "Take command": the caller becomes the incident commander; announced in the war room, topic and brief updated. */
export async function takeCommand(
  deps: DomainDeps,
  incidentId: string,
  actor: Actor,
  dedupeKey?: string,
): Promise<{ incident: IncidentDoc; changed: boolean }> {
  const change = await changeIncident(
    deps,
    incidentId,
    { actor, ...(dedupeKey ? { dedupeKey } : {}) },
    (incident, record) => {
      const from = incident.roles?.commander ?? null;
      // Monitoring still needs someone in charge (to close or reopen); a resolved incident does not.
      if (!actor.id || from === actor.id || incident.status === 'resolved') return;
      incident.roles!.commander = actor.id;
      record({ kind: 'commander_changed', data: { from, to: actor.id } });
    },
  );
  if (change.changed) {
    await deps.effects.incidentNote(incidentId, String(change.events[0]!._id));
    await deps.effects.refreshIncident(incidentId);
  }
  return change;
}
