import type { IncidentDoc } from '../../db/models/incident.js';
import type { DomainDeps } from '../deps.js';
import { DomainError } from '../errors.js';
import type { Actor } from '../types.js';
import { changeIncident, reopenings, type IncidentChange } from './changes.js';
import { nextClockAt } from './clock.js';
import { resolutionRefusal, updateRefusal } from './guards.js';
import type { IncidentSettings } from './settings.js';

/** The statuses of a status update, as on public status pages. */
export const UPDATE_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type UpdateStatus = (typeof UPDATE_STATUSES)[number];
export const STATUS_WORDS: Record<UpdateStatus, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
};

/** What a `status_update` event of the incident's timeline carries (also the resolution's). */
export interface UpdateData {
  status: UpdateStatus;
  /** What is known: current status in words. */
  known: string;
  impact: string;
  /** When the next update is due; none once resolved. */
  nextAt?: Date;
  /** Email every linked ticket's requester (src/domain/incidents/fan-out.ts). */
  email: boolean;
  /** Shown on the public status page (STATUS_PAGE_ENABLED). */
  public: boolean;
  resolution?: { fix: string; monitor: boolean; monitorUntil?: Date; resolveTickets: boolean; verify?: string };
}

export interface UpdateInput {
  incidentId: string;
  actor: Actor;
  status: UpdateStatus;
  known: string;
  impact: string;
  /** Minutes until the next update (fractions allowed); INCIDENT_UPDATE_MINUTES when unset. */
  nextMinutes?: number;
  emailRequesters: boolean;
  public: boolean;
  /** The modal's view id: submitting the same form twice posts one update. */
  requestKey: string;
}

export interface ResolveIncidentInput {
  incidentId: string;
  actor: Actor;
  fix: string;
  /** Watch the fix for INCIDENT_MONITOR_MINUTES before closing (Deskbell asks the commander then). */
  monitor: boolean;
  /** Resolve every open linked ticket too, each with the usual resolution mail and survey. */
  resolveTickets: boolean;
  /** How requesters can check it works (their resolution mails); needed with resolveTickets. */
  verify?: string;
  public: boolean;
  requestKey: string;
}

function refuse(why: string | undefined): void {
  if (why) throw new DomainError(why);
}

/** Resolution at `now`: the duration is fixed, pages and the update cadence stop, the report clock starts. */
function applyResolution(
  incident: IncidentDoc,
  now: Date,
  fix: string,
  monitor: boolean,
  s: IncidentSettings,
): Date | undefined {
  const monitorUntil = monitor ? new Date(now.getTime() + s.monitorMs) : undefined;
  incident.fix = fix;
  incident.resolvedAt = now;
  incident.status = monitor ? 'monitoring' : 'resolved';
  incident.currentStatus = monitor ? 'monitoring' : 'resolved';
  incident.set('monitor.until', monitorUntil ?? null);
  incident.closedAt = monitor ? undefined : now;
  incident.set('cadence.dueAt', null);
  incident.set('page.nextAt', null);
  if (!incident.report?.submittedAt) incident.set('report.dueAt', new Date(now.getTime() + s.reportMs));
  return monitorUntil;
}

/**
 * A status update: stored on the incident's timeline (one per form submission) with the next update's due
 * time, which resets the cadence; then posted everywhere and mailed as asked (one durable effect). An update
 * with status `resolved` resolves the incident, as "Resolve" without monitoring.
 */
export async function postIncidentUpdate(deps: DomainDeps, input: UpdateInput): Promise<IncidentChange> {
  const known = input.known.trim();
  if (!known) throw new DomainError('Say what is known: the update needs a current status.');
  const intervalMs = Math.max(1000, (input.nextMinutes ?? deps.incidents.updateMs / 60_000) * 60_000);
  const change = await changeIncident(
    deps,
    input.incidentId,
    { actor: input.actor, dedupeKey: `update:${input.requestKey}` },
    (incident, record) => {
      refuse(updateRefusal(incident));
      const now = deps.clock.now();
      const data: UpdateData = {
        status: input.status,
        known,
        impact: input.impact.trim(),
        email: input.emailRequesters,
        public: input.public,
      };
      if (input.status === 'resolved') {
        applyResolution(incident, now, known, false, deps.incidents);
        data.resolution = { fix: known, monitor: false, resolveTickets: false };
      } else {
        incident.currentStatus = input.status;
        if (incident.status === 'active') {
          incident.set('cadence', { dueAt: new Date(now.getTime() + intervalMs), intervalMs });
          data.nextAt = incident.cadence!.dueAt!;
        }
      }
      record({ kind: 'status_update', data: data as unknown as Record<string, unknown> });
      incident.clockAt = nextClockAt(incident, now, deps.incidents);
    },
  );
  if (change.changed) await deps.effects.incidentUpdate(change.incident.id, String(change.events[0]!._id));
  return change;
}

/**
 * "Resolve": the all-clear, PagerDuty `resolve`, pages and cadence stop, the duration is fixed and the
 * report falls due. With `monitor`, the incident stays in `monitoring` for INCIDENT_MONITOR_MINUTES first.
 */
export async function resolveIncident(deps: DomainDeps, input: ResolveIncidentInput): Promise<IncidentChange> {
  const fix = input.fix.trim();
  if (!fix) throw new DomainError('Say what fixed it.');
  if (input.resolveTickets && !input.verify?.trim())
    throw new DomainError('Say how requesters can check that it works: their resolution mails carry it.');
  const change = await changeIncident(
    deps,
    input.incidentId,
    { actor: input.actor, dedupeKey: `resolve:${input.requestKey}` },
    (incident, record) => {
      refuse(resolutionRefusal(incident));
      const now = deps.clock.now();
      const monitorUntil = applyResolution(incident, now, fix, input.monitor, deps.incidents);
      const data: UpdateData = {
        status: input.monitor ? 'monitoring' : 'resolved',
        known: fix,
        impact: input.monitor
          ? 'A fix is in place; we are watching that it holds.'
          : 'None any more: the service works normally again.',
        email: false,
        public: input.public,
        resolution: {
          fix,
          monitor: input.monitor,
          ...(monitorUntil ? { monitorUntil } : {}),
          resolveTickets: input.resolveTickets,
          ...(input.verify?.trim() ? { verify: input.verify.trim() } : {}),
        },
      };
      record({ kind: 'status_update', data: data as unknown as Record<string, unknown> });
      incident.clockAt = nextClockAt(incident, now, deps.incidents);
    },
  );
  if (change.changed) await deps.effects.incidentUpdate(change.incident.id, String(change.events[0]!._id));
  return change;
}

/** Ends monitoring: the incident is resolved for good (announced in the war room; topic and brief updated). */
export async function closeIncident(
  deps: DomainDeps,
  input: { incidentId: string; actor: Actor; requestKey: string },
): Promise<IncidentChange> {
  const change = await changeIncident(
    deps,
    input.incidentId,
    { actor: input.actor, dedupeKey: `close:${input.requestKey}` },
    (incident, record) => {
      if (incident.status === 'resolved') return;
      if (incident.status !== 'monitoring')
        throw new DomainError(`${incident.key} is not fixed yet: press Resolve first.`);
      const now = deps.clock.now();
      incident.status = 'resolved';
      incident.currentStatus = 'resolved';
      incident.closedAt = now;
      incident.set('monitor.until', null);
      record({
        kind: 'closed',
        data: { monitoredMs: incident.resolvedAt ? now.getTime() - incident.resolvedAt.getTime() : 0 },
      });
      incident.clockAt = nextClockAt(incident, now, deps.incidents);
    },
  );
  if (change.changed) {
    await deps.effects.incidentNote(change.incident.id, String(change.events[0]!._id));
    await deps.effects.refreshIncident(change.incident.id);
  }
  return change;
}

/** The problem is back during monitoring: active again, the cadence restarts, the report is no longer due. */
export async function reopenIncident(
  deps: DomainDeps,
  input: { incidentId: string; actor: Actor; requestKey: string },
): Promise<IncidentChange> {
  const change = await changeIncident(
    deps,
    input.incidentId,
    { actor: input.actor, dedupeKey: `reopen:${input.requestKey}` },
    (incident, record) => {
      if (incident.status === 'active') return;
      if (incident.report?.submittedAt)
        throw new DomainError(`${incident.key} has its report already: declare a new incident for a new outage.`);
      const now = deps.clock.now();
      incident.status = 'active';
      incident.currentStatus = 'investigating';
      incident.resolvedAt = undefined;
      incident.closedAt = undefined;
      incident.set('monitor.until', null);
      incident.set('report.dueAt', null);
      incident.set('cadence', {
        dueAt: new Date(now.getTime() + deps.incidents.updateMs),
        intervalMs: deps.incidents.updateMs,
      });
      record({ kind: 'reopened', data: {} });
      incident.clockAt = nextClockAt(incident, now, deps.incidents);
    },
  );
  if (change.changed) {
    await deps.effects.incidentNote(change.incident.id, String(change.events[0]!._id));
    await deps.effects.refreshIncident(change.incident.id);
    // PagerDuty closed its alert at the resolve: the problem being back is a new one there.
    if (deps.incidents.pagerDuty)
      await deps.effects.pagerDuty(change.incident.id, 'trigger', reopenings(change.incident));
  }
  return change;
}
