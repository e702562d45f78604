import { OnceKeys } from '../db/once-keys.js';
import type { StormAction } from '../db/models/storm.js';
import type { DomainDeps } from './deps.js';
import { DomainError } from './errors.js';
import { declareIncident } from './incidents/declare.js';
import { linkTicket, noteOnIncident } from './incidents/links.js';
import { LIVE_STATUSES } from './incidents/queries.js';
import { agentReply } from './replies.js';
import { bulkMailRefusal } from './bulk-mail.js';
import type { TicketDoc } from '../db/models/ticket.js';
import { forEachStormTicket } from './storms.js';
import { changeTicket } from './ticket-changes.js';
import { setPriority } from './triage.js';
import type { Actor, Priority } from './types.js';

export type StormActionInput = {
  stormId: string;
  actor: Actor;
  /** The request (modal view id, click): asking twice records one decision. */
  requestKey: string;
} & (
  | { kind: 'reply'; message: string; waitOnCustomer: boolean }
  | { kind: 'priority'; priority: Exclude<Priority, 'P0'> }
  | { kind: 'link'; incidentId: string }
  | { kind: 'split' }
);

/**
 * Records one decision for every ticket of a storm and asks for the job that applies it. The decision is
 * stored first (one conditional update: a redelivered request records nothing more), then applied ticket by
 * ticket, each change with the decision's dedupe key: a job that runs twice, or in two processes, changes
 * and mails each ticket once. Priority and incident also stand for tickets that join later; a split makes
 * later ones arrive with their own cards.
 */
export async function requestStormAction(
  deps: DomainDeps,
  input: StormActionInput,
): Promise<{ recorded: boolean; actionId: string }> {
  const storm = await deps.models.Storm.findById(input.stormId);
  if (!storm) throw new DomainError('That storm no longer exists.');
  const existing = storm.actions.find((a) => a.requestKey === input.requestKey);
  if (existing) return { recorded: false, actionId: String(existing._id) };
  if (storm.status === 'split' && input.kind === 'split')
    throw new DomainError('This storm is split already: every ticket has its own card.');

  const action: Record<string, unknown> = {
    kind: input.kind,
    requestKey: input.requestKey,
    actor: input.actor,
    at: deps.clock.now(),
  };
  const standing: Record<string, unknown> = {};
  if (input.kind === 'reply') {
    const message = input.message.trim();
    if (!message) throw new DomainError('The reply is empty: write a message to the requesters.');
    Object.assign(action, { message, waitOnCustomer: input.waitOnCustomer });
  } else if (input.kind === 'priority') {
    action.priority = standing.priority = input.priority;
  } else if (input.kind === 'link') {
    const incident = await deps.models.Incident.findById(input.incidentId);
    if (!incident) throw new DomainError('That incident no longer exists.');
    if (!(LIVE_STATUSES as readonly string[]).includes(incident.status))
      throw new DomainError(`${incident.key} is resolved: link the storm to an active incident.`);
    action.incident = standing.incident = { id: incident._id, key: incident.key };
  } else {
    standing.status = 'split';
  }
  const res = await deps.models.Storm.updateOne(
    { _id: storm._id, 'actions.requestKey': { $ne: input.requestKey } },
    { $push: { actions: action }, $set: standing, $inc: { version: 1 } },
  );
  const fresh = await deps.models.Storm.findById(storm._id, { actions: 1 }).lean();
  const recorded = fresh?.actions.find((a) => a.requestKey === input.requestKey);
  if (!recorded) throw new Error('storm action was not recorded');
  const actionId = String(recorded._id);
  await deps.effects.applyStormAction(storm.id, actionId);
  await deps.effects.refreshStormCard(storm.id);
  return { recorded: res.modifiedCount > 0, actionId };
}

/** Applies a recorded decision to every ticket of the storm (a job; safe to run again, see requestStormAction). */
export async function applyStormAction(
  deps: DomainDeps,
  stormId: string,
  actionId: string,
  touch?: () => Promise<void>,
): Promise<void> {
  const storm = await deps.models.Storm.findById(stormId);
  const action = storm?.actions.find((a) => String(a._id) === actionId);
  if (!storm || !action || action.doneAt) return;
  const actor = action.actor as Actor;
  const dedupeKey = OnceKeys.stormAction(actionId);
  let applied = 0;
  let skipped = 0;
  let unverified = 0;
  await forEachStormTicket(
    deps,
    storm._id,
    async (ticket) => {
      try {
        if ((await applyToTicket(deps, action, actor, dedupeKey, ticket)) === 'unverified') unverified += 1;
        else applied += 1;
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        skipped += 1; // closed, or the incident's own ticket: said in the count
      }
    },
    touch,
  );
  if (action.kind === 'link' && action.incident?.id) {
    await noteOnIncident(deps, String(action.incident.id), actor, `storm-link:${actionId}`, {
      kind: 'storm_linked',
      data: { count: applied, storm: storm.label },
    });
  }
  const done = await deps.models.Storm.updateOne(
    { _id: storm._id, actions: { $elemMatch: { _id: action._id, doneAt: null } } },
    {
      $set: {
        'actions.$.doneAt': deps.clock.now(),
        'actions.$.applied': applied,
        'actions.$.skipped': skipped,
        'actions.$.unverified': unverified,
      },
      $inc: { version: 1 },
    },
  );
  if (done.modifiedCount)
    deps.logger.info({ storm: stormId, action: action.kind, applied, skipped, unverified }, 'storm decision applied');
  await deps.effects.stormNote(stormId, actionId);
  await deps.effects.refreshStormCard(stormId);
}

async function applyToTicket(
  deps: DomainDeps,
  action: StormAction,
  actor: Actor,
  dedupeKey: string,
  ticket: TicketDoc,
): Promise<'applied' | 'unverified'> {
  const ticketId = ticket.id;
  const grouped = !!ticket.storm?.grouped;
  switch (action.kind) {
    case 'reply': {
      const refusal = bulkMailRefusal(ticket);
      if (refusal) {
        await changeTicket(deps, ticketId, { actor, dedupeKey }, (_t, record) => {
          record({
            kind: 'storm_reply_skipped',
            text: `The storm's reply to all by {actor} was not emailed: ${refusal}`,
            notify: true,
          });
        });
        return 'unverified';
      }
      const message = action.message ?? '';
      await agentReply(deps, {
        ticketId,
        actor,
        message,
        waitOnCustomer: !!action.waitOnCustomer,
        requestKey: dedupeKey,
        mailKind: 'storm_reply',
      });
      return 'applied';
    }
    case 'priority':
      await setPriority(deps, ticketId, { actor, dedupeKey }, action.priority as Priority);
      return 'applied';
    case 'link':
      await linkTicket(deps, {
        ticketId,
        incidentId: String(action.incident!.id),
        actor,
        requestKey: dedupeKey,
        announce: false,
      });
      return 'applied';
    case 'split': {
      if (grouped) {
        await changeTicket(deps, ticketId, { actor, dedupeKey }, (ticket, record) => {
          if (!ticket.storm?.grouped) return;
          ticket.set('storm.grouped', false);
          record({ kind: 'storm_split', text: 'The storm was split by {actor}: this ticket has its own card now' });
        });
      }
      // Idempotent (once-key per card); a ticket that had a card already is left alone.
      await deps.effects.postCard(ticketId);
      return 'applied';
    }
  }
}

/**
 * "Link all to incident" with a new incident: declares it as `/support incident <title>` does (a P0 ticket
 * of its own, no customer behind it; once per request), then links the storm to it.
 */
export async function linkStormToNewIncident(
  deps: DomainDeps,
  input: { stormId: string; title: string; actor: Actor; requesterEmail: string; requestKey: string },
): Promise<{ incidentKey: string }> {
  const { createTicket } = await import('./tickets.js');
  const title = input.title.trim();
  if (!title) throw new DomainError('Give the new incident a title.');
  const { ticket } = await createTicket(deps, {
    source: 'slack',
    requester: { email: input.requesterEmail },
    subject: title.slice(0, 250),
    body: 'Declared from a ticket storm with "Link all to incident"; its customer reports are the linked tickets.',
    category: 'bug',
    priority: 'P0',
    openedBy: input.actor,
    idempotencyKeys: [`slack:storm-incident:${input.requestKey}`],
    acknowledge: false,
    declareIncident: { actor: input.actor, via: 'command' },
  });
  // Idempotent per ticket: a concurrent duplicate of this request gets the same incident.
  const { incident } = await declareIncident(deps, { ticketId: ticket.id, actor: input.actor, via: 'command' });
  await requestStormAction(deps, {
    stormId: input.stormId,
    kind: 'link',
    incidentId: incident.id,
    actor: input.actor,
    requestKey: input.requestKey,
  });
  return { incidentKey: incident.key };
}
