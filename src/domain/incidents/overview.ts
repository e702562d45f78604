import type { Types } from 'mongoose';
import type { IncidentFields } from '../../db/models/incident.js';
import type { DomainDeps } from '../deps.js';
import { LIVE_STATUSES } from './queries.js';

/** An incident as lists show it (`/support incidents`, App Home). */
export interface IncidentRow {
  id: string;
  key: string;
  ticketKey: string;
  title: string;
  status: string;
  currentStatus: string;
  commander?: string;
  declaredAt: Date;
  resolvedAt?: Date;
  channelId?: string;
  /** Linked tickets (not counting its own). */
  linked: number;
  nextUpdateAt?: Date;
  monitorUntil?: Date;
  reportDueAt?: Date;
  reportSubmittedAt?: Date;
}

const ROW_FIELDS = {
  key: 1,
  ticketKey: 1,
  title: 1,
  status: 1,
  currentStatus: 1,
  roles: 1,
  declaredAt: 1,
  resolvedAt: 1,
  channel: 1,
  cadence: 1,
  monitor: 1,
  report: 1,
} as const;
const NONE = { $in: [null] };

type RowSource = Pick<
  IncidentFields,
  | 'key'
  | 'ticketKey'
  | 'title'
  | 'status'
  | 'currentStatus'
  | 'roles'
  | 'declaredAt'
  | 'resolvedAt'
  | 'channel'
  | 'cadence'
  | 'monitor'
  | 'report'
> & { _id: Types.ObjectId };

/** One incident as a list row (its linked tickets counted). */
export async function incidentRow(deps: Pick<DomainDeps, 'models'>, i: RowSource): Promise<IncidentRow> {
  return {
    id: String(i._id),
    key: i.key,
    ticketKey: i.ticketKey,
    title: i.title,
    status: i.status,
    currentStatus: i.currentStatus ?? 'investigating',
    ...(i.roles?.commander ? { commander: i.roles.commander } : {}),
    declaredAt: i.declaredAt,
    ...(i.resolvedAt ? { resolvedAt: i.resolvedAt } : {}),
    ...(i.channel?.id ? { channelId: i.channel.id } : {}),
    linked: await deps.models.Ticket.countDocuments({ 'linkedIncident.id': i._id }),
    ...(i.status === 'active' && i.cadence?.dueAt ? { nextUpdateAt: i.cadence.dueAt } : {}),
    ...(i.status === 'monitoring' && i.monitor?.until ? { monitorUntil: i.monitor.until } : {}),
    ...(i.report?.dueAt ? { reportDueAt: i.report.dueAt } : {}),
    ...(i.report?.submittedAt ? { reportSubmittedAt: i.report.submittedAt } : {}),
  };
}

async function rows(
  deps: Pick<DomainDeps, 'models'>,
  filter: Record<string, unknown>,
  sort: Record<string, 1 | -1>,
  limit: number,
): Promise<{ rows: IncidentRow[]; total: number }> {
  const [found, total] = await Promise.all([
    deps.models.Incident.find(filter, ROW_FIELDS).sort(sort).limit(limit).lean(),
    deps.models.Incident.countDocuments(filter),
  ]);
  const out: IncidentRow[] = [];
  for (const i of found) out.push(await incidentRow(deps, i as RowSource));
  return { rows: out, total };
}

/** Active incidents (monitoring included), newest first. */
export function liveIncidentRows(deps: Pick<DomainDeps, 'models'>, limit = 15) {
  return rows(deps, { status: { $in: [...LIVE_STATUSES] } }, { declaredAt: -1 }, limit);
}

/** Incidents resolved in the last `days`, most recent first. */
export function recentIncidentRows(deps: Pick<DomainDeps, 'models'>, now: Date, days = 7, limit = 15) {
  return rows(
    deps,
    { status: 'resolved', resolvedAt: { $gte: new Date(now.getTime() - days * 86_400_000) } },
    { resolvedAt: -1 },
    limit,
  );
}

/** What the daily summary and weekly review count of incidents. */
export interface IncidentPeriodStats {
  /** Declared in the period. */
  declared: number;
  /** Resolved in the period, with their durations (declared → resolved). */
  resolved: number;
  totalDurationMs: number;
  medianDurationMs?: number;
  longestDurationMs?: number;
  /** Active (or monitoring) at the end of the period. */
  active: number;
  /** Resolved incidents whose report is past due and not written (as of `now`). */
  reportsOverdue: number;
}

/** Over (start, end], like the daily summary's "new since the last one"; also the report's and weekly review's figures. */
export async function incidentPeriodStats(
  deps: Pick<DomainDeps, 'models'>,
  window: { start: Date; end: Date },
  now: Date,
): Promise<IncidentPeriodStats> {
  const { Incident } = deps.models;
  const [declared, resolvedRows, active, reportsOverdue] = await Promise.all([
    Incident.countDocuments({ declaredAt: { $gt: window.start, $lte: window.end } }),
    Incident.find({ resolvedAt: { $gt: window.start, $lte: window.end } }, { declaredAt: 1, resolvedAt: 1 }).lean(),
    Incident.countDocuments({
      declaredAt: { $lte: window.end },
      $or: [{ status: { $in: [...LIVE_STATUSES] } }, { resolvedAt: { $gt: window.end } }],
    }),
    Incident.countDocuments({ 'report.dueAt': { $lte: now }, 'report.submittedAt': NONE }),
  ]);
  const durations = resolvedRows.map((r) => r.resolvedAt!.getTime() - r.declaredAt.getTime()).sort((a, b) => a - b);
  const mid = Math.floor(durations.length / 2);
  const median = durations.length
    ? durations.length % 2
      ? durations[mid]!
      : (durations[mid - 1]! + durations[mid]!) / 2
    : undefined;
  return {
    declared,
    resolved: durations.length,
    totalDurationMs: durations.reduce((a, b) => a + b, 0),
    ...(median !== undefined ? { medianDurationMs: median, longestDurationMs: durations[durations.length - 1]! } : {}),
    active,
    reportsOverdue,
  };
}
