import type { Types } from 'mongoose';
import type { DomainDeps } from '../deps.js';
import { changeTicket } from '../ticket-changes.js';

/*
 * What the flows record after an adapter did its part: where a message went, that a room was opened or
 * archived, that an update's work is done. Each write is idempotent, so a retried job records it again harmlessly.
 */

type Where = { channel: string; ts: string };
type Incident = { _id: Types.ObjectId; id: string; key: string; ticketId: Types.ObjectId | unknown };

/** The war room (or Slack's refusal with its fix) on the incident, and on its ticket's card and thread, once. */
export async function recordWarRoom(
  deps: DomainDeps,
  incident: Incident,
  room: { id: string; name: string } | { error: string; hint?: string },
  note: string,
): Promise<void> {
  const set = 'id' in room ? { 'channel.id': room.id, 'channel.name': room.name } : { 'channel.error': room.error };
  await deps.models.Incident.updateOne({ _id: incident._id }, { $set: set, $inc: { __v: 1 } });
  const system = { type: 'system' as const, name: 'Deskbell' };
  await changeTicket(
    deps,
    String(incident.ticketId),
    { actor: system, dedupeKey: `war-room:${incident.id}` },
    (t, record) => {
      if ('id' in room)
        t.incident = {
          ...(t.incident ?? {}),
          id: incident._id,
          key: incident.key,
          channelId: room.id,
          channelName: room.name,
        };
      record({ kind: 'war_room', text: note, data: { incident: incident.key, ...room }, notify: true });
    },
  );
}

/**
 * Where one of the incident's own messages is: the pinned `brief` (a refresh updates it instead of posting
 * again) or the @channel `alert` (an overdue report is raised in its thread).
 */
export async function recordMessage(
  deps: Pick<DomainDeps, 'models'>,
  incidentId: Types.ObjectId,
  which: 'brief' | 'alert',
  at: Where,
): Promise<void> {
  await deps.models.Incident.updateOne(
    { _id: incidentId },
    { $set: { [`${which}.channel`]: at.channel, [`${which}.ts`]: at.ts }, $inc: { __v: 1 } },
  );
}

/** The incident's first minute is done: the clock sweep stops asking for it (src/flows/open-incident.ts). */
export async function recordOpened(deps: Pick<DomainDeps, 'models'>, incidentId: Types.ObjectId): Promise<void> {
  await deps.models.Incident.updateOne({ _id: incidentId }, { $unset: { openOwedAt: 1 }, $inc: { __v: 1 } });
}

/** The war room is archived: no reminder or note is posted there any more. */
export async function recordArchived(
  deps: Pick<DomainDeps, 'models'>,
  incidentId: Types.ObjectId,
  at: Date,
): Promise<void> {
  await deps.models.Incident.updateOne({ _id: incidentId }, { $set: { 'archive.doneAt': at }, $inc: { __v: 1 } });
}

/** Every step of a status update ran: the clock sweep stops asking for it again. */
export async function markUpdateDone(
  deps: Pick<DomainDeps, 'models'>,
  incidentId: Types.ObjectId,
  eventId: Types.ObjectId,
): Promise<void> {
  await deps.models.Incident.updateOne(
    { _id: incidentId, 'timeline._id': eventId },
    { $set: { 'timeline.$.done': true }, $inc: { __v: 1 } },
  );
}
