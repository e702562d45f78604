import type { DomainDeps } from '../deps.js';
import { LIVE_STATUSES } from './queries.js';
import type { UpdateData, UpdateStatus } from './updates.js';

/** What the public status page may show of an incident: only updates marked public, in Deskbell's and the poster's words. */
export interface PublicIncident {
  /** `INC-7`: the ticket's subject is a customer's words and never shown. */
  key: string;
  status: UpdateStatus;
  startedAt: Date;
  resolvedAt?: Date;
  updates: Array<{ at: Date; status: UpdateStatus; message: string; impact: string; nextAt?: Date }>;
}

/** How long a resolved incident stays on the page, so visitors see the all-clear. */
export const RESOLVED_SHOWN_MS = 24 * 3_600_000;

/**
 * Public text: mentions of people, channels and groups are dropped, `<url|label>` keeps only its label, and
 * links into Slack are removed, so nothing internal leaks through a public update; HTML is escaped by the view.
 */
export function publicText(text: string): string {
  return text
    .replace(/<([^<>|]*)\|([^<>]*)>/g, (_m, target: string, label: string) => (/^[@#!]/.test(target) ? '' : label))
    .replace(/<[^<>]*>/g, '')
    .replace(/https?:\/\/[^\s]*slack\.com[^\s]*/gi, '')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

/** Incidents with at least one public update: active ones, and those resolved in the last day. */
export async function publicIncidents(deps: Pick<DomainDeps, 'models'>, now: Date): Promise<PublicIncident[]> {
  const found = await deps.models.Incident.find(
    {
      $or: [
        { status: { $in: [...LIVE_STATUSES] } },
        { resolvedAt: { $gte: new Date(now.getTime() - RESOLVED_SHOWN_MS) } },
      ],
      'timeline.kind': 'status_update',
    },
    { key: 1, status: 1, currentStatus: 1, declaredAt: 1, resolvedAt: 1, timeline: 1 },
  )
    .sort({ declaredAt: -1 })
    .limit(50)
    .lean();
  const out: PublicIncident[] = [];
  for (const i of found) {
    const updates = i.timeline
      .filter((e) => e.kind === 'status_update' && (e.data as UpdateData | undefined)?.public === true)
      .map((e) => {
        const d = e.data as UpdateData;
        return {
          at: e.at,
          status: d.status,
          message: publicText(d.known),
          impact: publicText(d.impact ?? ''),
          ...(d.nextAt ? { nextAt: new Date(d.nextAt) } : {}),
        };
      })
      .reverse();
    if (!updates.length) continue;
    out.push({
      key: i.key,
      status: (i.currentStatus ?? 'investigating') as UpdateStatus,
      startedAt: i.declaredAt,
      ...(i.resolvedAt && i.status === 'resolved' ? { resolvedAt: i.resolvedAt } : {}),
      updates,
    });
  }
  return out;
}
