import type { TicketDoc } from '../db/models/ticket.js';
import type { DomainDeps } from './deps.js';
import { DomainError } from './errors.js';
import { changeTicket, type ChangeOptions, type ChangeOutcome } from './ticket-changes.js';
import { CATEGORY_LABELS, type Category, type Priority } from './types.js';
import { declareIncident, type DeclaredVia } from './incidents/declare.js';

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

/** Triage belongs to live tickets: a closed one is reopened first, so its reopen is on the timeline. */
function refuseIfClosed(ticket: TicketDoc): void {
  if (ticket.status === 'closed') throw new DomainError(`${ticket.key} is closed. Reopen it before changing it.`);
}

export interface SetPriorityOptions {
  /** P0 only after the agent confirmed it (the card's "Declare P0" confirm dialog). */
  confirmedP0?: boolean;
  /** How a P0 came about, for its incident: the card's button or another priority change. */
  via?: DeclaredVia;
}

/**
 * Sets the agent's priority, confirming or overriding the suggestion. Leaving `new` needs only the priority:
 * the card has no category control, so an unset category adopts the suggested one (the agent confirms the
 * triage as a whole), and a ticket without any category still counts as triaged — the priority is what
 * starts the SLA clock and orders the queue.
 */
export async function setPriority(
  deps: DomainDeps,
  ticketId: string,
  opts: ChangeOptions,
  priority: Priority,
  how: SetPriorityOptions = {},
): Promise<ChangeOutcome> {
  const outcome = await changeTicket(deps, ticketId, opts, (ticket, record) => {
    refuseIfClosed(ticket);
    const previous = (ticket.priority ?? null) as Priority | null;
    if (previous === priority) return;
    if (priority === 'P0' && !how.confirmedP0)
      throw new DomainError('P0 needs confirming: use the "Declare P0" button on the card.');
    ticket.priority = priority;
    if (ticket.status === 'new') ticket.status = 'triaged';
    let adoptedCategory: Category | null = null;
    if (!ticket.category && ticket.suggestedCategory) {
      adoptedCategory = ticket.suggestedCategory as Category;
      ticket.category = adoptedCategory;
    }
    const suggested = (ticket.suggestedPriority ?? null) as Priority | null;
    const why = previous
      ? ` (was ${previous})`
      : suggested && suggested !== priority
        ? ` (suggested ${suggested})`
        : '';
    const category = adoptedCategory ? `, category ${CATEGORY_LABELS[adoptedCategory]}` : '';
    record({
      kind: 'priority_set',
      text: `Priority set to ${priority} by {actor}${why}${category}`,
      data: { priority, previous, suggested, ...(adoptedCategory ? { category: adoptedCategory } : {}) },
      notify: true,
    });
  });
  // A P0 opens its incident (once: a redelivered click finds the one it opened).
  if (priority === 'P0' && outcome.ticket.priority === 'P0')
    await declareIncident(deps, { ticketId, actor: opts.actor, via: how.via ?? 'priority' });
  return outcome;
}

export interface AssignOutcome extends ChangeOutcome {
  /** The `assigned` event, when the assignee changed. */
  assignedEventId?: string;
}

/**
 * Makes `assignee` (a Slack user id) the owner; a new or triaged ticket is then in progress. The assignee is
 * told in a DM with a link to the card unless they took it themselves.
 */
export async function assignTicket(
  deps: DomainDeps,
  ticketId: string,
  opts: ChangeOptions,
  assignee: string,
  routingGroups?: string[],
): Promise<AssignOutcome> {
  if (!SLACK_USER_ID.test(assignee)) throw new DomainError('That is not a Slack user.');
  const outcome = await changeTicket(deps, ticketId, opts, (ticket, record) => {
    refuseIfClosed(ticket);
    const previous = ticket.assignee ?? null;
    if (previous === assignee) return;
    ticket.assignee = assignee;
    // The SLA routing groups the new assignee is in (a team's schedule may follow them); looked up by the caller.
    if (routingGroups) ticket.sla!.assigneeGroups = routingGroups;
    if (ticket.status === 'new' || ticket.status === 'triaged') ticket.status = 'in_progress';
    const self = opts.actor.id === assignee;
    const text = previous
      ? `{assignee} took over from {previous}${self ? '' : ' (assigned by {actor})'}`
      : self
        ? '{actor} took this ticket'
        : 'Assigned to {assignee} by {actor}';
    record({ kind: 'assigned', text, data: { assignee, previous }, notify: true });
  });
  const event = outcome.events.find((e) => e.kind === 'assigned');
  if (!event) return outcome;
  const assignedEventId = String(event._id);
  if (opts.actor.id !== assignee) await deps.effects.dmAssignee(ticketId, assignedEventId);
  return { ...outcome, assignedEventId };
}
