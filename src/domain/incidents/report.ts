import type { IncidentDoc, IncidentFields } from '../../db/models/incident.js';
import type { DomainDeps } from '../deps.js';
import { DomainError } from '../errors.js';
import { formatLocalDate, localDate, zonedParts } from '../local-time.js';
import type { Actor } from '../types.js';
import { changeIncident, type IncidentChange } from './changes.js';
import { nextClockAt } from './clock.js';
import { reportRefusal } from './guards.js';
import { STATUS_WORDS, type UpdateData } from './updates.js';

/** PRODUCT.md: "Incident report within 48 hours: title, duration (start to end), impact, root cause, resolution, prevention." */
export interface ActionItem {
  action: string;
  owner?: string;
}

export interface ReportFields {
  title: string;
  startedAt: Date;
  endedAt?: Date;
  impact: string;
  rootCause: string;
  resolution: string;
  prevention: ActionItem[];
  /** One event a line, built from the incident and editable before submitting. */
  timeline: string;
}

/** `Add an alert on checkout 5xx — Alice` (also `-` or `|` before the owner); a leading bullet is dropped. */
export function parseActionItems(text: string): ActionItem[] {
  return text
    .split('\n')
    .map((l) => l.replace(/^\s*(?:[-*•]|\d+[.)])\s+/, '').trim())
    .filter(Boolean)
    .map((line) => {
      const m = /^(.*?)\s+(?:—|–|-|\|)\s+(?:owner:?\s*)?(@?[^—–|]{1,80})$/i.exec(line);
      return m && m[1]!.trim() ? { action: m[1]!.trim(), owner: m[2]!.trim() } : { action: line };
    });
}

export function formatActionItems(items: ActionItem[]): string {
  return items.map((i) => `- ${i.action}${i.owner ? ` — ${i.owner}` : ''}`).join('\n');
}

export function durationMs(i: Pick<IncidentFields, 'declaredAt' | 'resolvedAt'>): number | undefined {
  return i.resolvedAt ? i.resolvedAt.getTime() - i.declaredAt.getTime() : undefined;
}

/** `2026-03-04 10:05` in the team's time zone. */
export function localStamp(at: Date, timeZone: string): string {
  const p = zonedParts(at, timeZone);
  return `${formatLocalDate(localDate(at, timeZone))} ${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
}

/** A person's name for the report (their Slack real name when it could be looked up). */
type Names = (userId: string | null | undefined) => string;

function who(
  e: { actor?: { type?: string | null; id?: string | null; name?: string | null } | null },
  names: Names,
): string {
  if (e.actor?.type === 'user' && e.actor.id) {
    const known = names(e.actor.id);
    // A click carries only the user name; the looked-up real name reads better when there is one.
    return known.startsWith('@') && e.actor.name ? e.actor.name : known;
  }
  return e.actor?.name || 'Deskbell';
}

function oneLine(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The incident's story from its own timeline: declared, paged, acknowledged, commanders, each update, tickets linked, resolved. */
export function buildTimeline(
  incident: Pick<IncidentFields, 'timeline' | 'roles'>,
  opts: { names: Names; timeZone: string },
): string[] {
  const lines: string[] = [];
  for (const e of incident.timeline ?? []) {
    const d = (e.data ?? {}) as Record<string, unknown>;
    let text: string | undefined;
    switch (e.kind) {
      case 'declared':
        text = `Declared P0 (${String(d.via ?? 'card')}) by ${who(e, opts.names)}; ticket ${String(d.ticket ?? '')}`;
        break;
      case 'paged': {
        const people =
          [
            ...(incident.roles?.oncall ?? []).map(opts.names),
            ...(incident.roles?.oncallUsergroup ? ['the on-call group'] : []),
          ].join(', ') || 'on call';
        text = Number(d.round) > 0 ? `Paged ${people} again (page ${Number(d.round) + 1})` : `Paged ${people}`;
        break;
      }
      case 'page_escalated':
        text = 'Page escalated to the secondary and the leads';
        break;
      case 'page_acknowledged':
        text = `Page acknowledged by ${opts.names(String(d.by ?? ''))}`;
        break;
      case 'commander_changed':
        text = `${opts.names(String(d.to ?? ''))} took command`;
        break;
      case 'status_update': {
        const u = d as unknown as UpdateData;
        if (u.resolution)
          text = u.resolution.monitor
            ? `Fix in place, monitoring (${who(e, opts.names)}): ${oneLine(u.resolution.fix)}`
            : `Resolved by ${who(e, opts.names)}: ${oneLine(u.resolution.fix)}`;
        else text = `[${STATUS_WORDS[u.status] ?? u.status}] update by ${who(e, opts.names)}: ${oneLine(u.known)}`;
        break;
      }
      case 'ticket_linked':
        text = `${String(d.ticket)} linked`;
        break;
      case 'ticket_unlinked':
        text = `${String(d.ticket)} unlinked`;
        break;
      case 'reopened':
        text = `Reopened by ${who(e, opts.names)}: the problem was back`;
        break;
      case 'closed':
        text = `Monitoring ended, closed by ${who(e, opts.names)}`;
        break;
      default:
        text = undefined;
    }
    if (text) lines.push(`${localStamp(e.at, opts.timeZone)}  ${text}`);
  }
  return lines;
}

/** The report form's starting point: the stored report when there is one, else what Deskbell knows. */
export function reportDraft(incident: IncidentDoc, opts: { names: Names; timeZone: string }): ReportFields {
  const r = incident.report;
  if (r?.submittedAt && r.title) {
    return {
      title: r.title,
      startedAt: r.startedAt ?? incident.declaredAt,
      ...((r.endedAt ?? incident.resolvedAt) ? { endedAt: (r.endedAt ?? incident.resolvedAt)! } : {}),
      impact: r.impact ?? '',
      rootCause: r.rootCause ?? '',
      resolution: r.resolution ?? '',
      prevention: (r.prevention ?? []).map((p) => ({ action: p.action, ...(p.owner ? { owner: p.owner } : {}) })),
      timeline: r.timeline ?? '',
    };
  }
  const updates = incident.timeline
    .filter((e) => e.kind === 'status_update')
    .map((e) => e.data as unknown as UpdateData);
  const impacts = updates.filter((u) => !u.resolution && u.impact).map((u) => u.impact);
  const identified = updates.filter((u) => u.status === 'identified').at(-1);
  return {
    title: incident.title,
    startedAt: incident.declaredAt,
    ...(incident.resolvedAt ? { endedAt: incident.resolvedAt } : {}),
    impact: impacts.at(-1) ?? '',
    rootCause: identified?.known ?? '',
    resolution: incident.fix ?? '',
    prevention: [],
    timeline: buildTimeline(incident, opts).join('\n'),
  };
}

/**
 * Stores the incident report (a later submission is a new revision) and asks for it to be posted in the war
 * room and #support and uploaded as a Markdown file. The first report starts the war room's archive clock.
 */
export async function submitReport(
  deps: DomainDeps,
  input: { incidentId: string; actor: Actor; fields: ReportFields; requestKey: string },
): Promise<IncidentChange> {
  const f = input.fields;
  if (f.endedAt && f.endedAt < f.startedAt) throw new DomainError('The end is before the start.');
  const change = await changeIncident(
    deps,
    input.incidentId,
    { actor: input.actor, dedupeKey: `report:${input.requestKey}` },
    (incident, record) => {
      const why = reportRefusal(incident);
      if (why) throw new DomainError(why);
      const now = deps.clock.now();
      const first = !incident.report?.submittedAt;
      const revision = (incident.report?.revision ?? 0) + 1;
      incident.set('report', {
        ...(incident.report ? (incident.toObject().report as object) : {}),
        submittedAt: incident.report?.submittedAt ?? now,
        submittedBy: input.actor.id,
        revision,
        title: f.title,
        startedAt: f.startedAt,
        endedAt: f.endedAt,
        impact: f.impact,
        rootCause: f.rootCause,
        resolution: f.resolution,
        prevention: f.prevention,
        timeline: f.timeline,
      });
      if (first && deps.incidents.archiveMs > 0 && incident.channel?.id)
        incident.set('archive.at', new Date(now.getTime() + deps.incidents.archiveMs));
      record({
        kind: 'report_submitted',
        data: { revision, late: !!incident.report?.dueAt && now > incident.report.dueAt },
      });
      incident.clockAt = nextClockAt(incident, now, deps.incidents);
    },
  );
  if (change.changed) await deps.effects.publishReport(change.incident.id, change.incident.report!.revision!);
  return change;
}

/** The submitted report as stored, with the incident's own title and times where the form left them out. */
export function storedReport(incident: IncidentDoc): ReportFields {
  const r = incident.report!;
  return {
    title: r.title ?? incident.title,
    startedAt: r.startedAt ?? incident.declaredAt,
    ...(r.endedAt ? { endedAt: r.endedAt } : {}),
    impact: r.impact ?? '',
    rootCause: r.rootCause ?? '',
    resolution: r.resolution ?? '',
    prevention: (r.prevention ?? []).map((p) => ({ action: p.action, ...(p.owner ? { owner: p.owner } : {}) })),
    timeline: r.timeline ?? '',
  };
}
