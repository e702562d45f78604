import mongoose from 'mongoose';
import type { IncidentDoc } from '../../db/models/incident.js';
import type { Models } from '../../db/models/index.js';
import type { Clock } from '../../clock.js';
import { DomainError } from '../errors.js';
import type { Actor } from '../types.js';

export interface IncidentEventInput {
  kind: string;
  data?: Record<string, unknown>;
}

/**
 * How often the incident was reopened (up to the event `untilEventId`, when given): each reopening starts a
 * new round of PagerDuty events (trigger, acknowledge, resolve), since PagerDuty saw the earlier resolve.
 */
export function reopenings(incident: Pick<IncidentDoc, 'timeline'>, untilEventId?: string): number {
  let n = 0;
  for (const e of incident.timeline) {
    if (untilEventId && String(e._id) === untilEventId) break;
    if (e.kind === 'reopened') n++;
  }
  return n;
}

export interface IncidentChange {
  incident: IncidentDoc;
  changed: boolean;
  /** The events this change recorded (with their ids). */
  events: IncidentDoc['timeline'];
}

/**
 * The one way to change an incident: `mutate` edits the loaded document and records events; the save is a
 * version-guarded atomic update, redone on a conflict with fresh state. A redelivered request (same
 * dedupeKey) changes nothing.
 */
export async function changeIncident(
  deps: { models: Pick<Models, 'Incident'>; clock: Clock },
  incidentId: string,
  opts: { actor: Actor; dedupeKey?: string },
  mutate: (incident: IncidentDoc, record: (e: IncidentEventInput) => void) => void,
): Promise<IncidentChange> {
  for (let attempt = 1; ; attempt++) {
    const incident = await deps.models.Incident.findById(incidentId);
    if (!incident) throw new DomainError('That incident no longer exists.');
    if (opts.dedupeKey && incident.timeline.some((e) => e.dedupeKey === opts.dedupeKey))
      return { incident, changed: false, events: [] as never };
    const recorded: IncidentEventInput[] = [];
    mutate(incident, (e) => recorded.push(e));
    if (!recorded.length) return { incident, changed: false, events: [] as never };
    const first = incident.timeline.length;
    const now = deps.clock.now();
    recorded.forEach((e, i) =>
      incident.timeline.push({
        at: now,
        actor: opts.actor,
        kind: e.kind,
        data: e.data,
        dedupeKey: i === 0 ? opts.dedupeKey : undefined,
      }),
    );
    incident.updatedAt = now;
    try {
      await incident.save();
      return { incident, changed: true, events: incident.timeline.slice(first) as never };
    } catch (err) {
      if (!(err instanceof mongoose.Error.VersionError) || attempt >= 20) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(200, 10 * attempt)));
    }
  }
}
