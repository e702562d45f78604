import mongoose from 'mongoose';
import type { TicketDoc, TimelineEvent } from '../db/models/ticket.js';
import type { DomainDeps } from './deps.js';
import { queueMail, type QueuedMail } from './outbox.js';
import { TicketNotFoundError } from './errors.js';
import { updateSlaState } from './sla-state.js';
import { capTimeline } from './timeline-cap.js';
import type { Actor } from './types.js';

export interface ChangeOptions {
  actor: Actor;
  /**
   * Identifies the request that asks for the change (Slack action_ts + user, view id, Message-ID…).
   * A second delivery with the same key changes nothing: Slack and mail servers redeliver.
   */
  dedupeKey?: string;
}

export interface EventInput {
  kind: string;
  /** Shown in the card's thread; `{actor}` becomes a mention of who did it. App-written text only. */
  text?: string;
  data?: Record<string, unknown>;
  /** Post this event in the card's thread. */
  notify?: boolean;
  /**
   * Mail to the requester that this event sends. Kept on the event (`data.mail`, `data.mailId`) in the same
   * write, queued in the outbox once the change is stored; the reconcile job queues it if a crash came between.
   */
  mail?: QueuedMail;
}

export type Record_ = (event: EventInput) => void;

export interface ChangeOutcome {
  ticket: TicketDoc;
  /** False when nothing changed (a redelivery, or a mutation that recorded no event). */
  changed: boolean;
  events: TimelineEvent[];
  /** Who owned the ticket before the change (their App Home lists it until refreshed). */
  assigneeBefore?: string | null;
}

const MAX_ATTEMPTS = 20;

/**
 * The one way to change a ticket after creation. `mutate` edits the loaded document and records what it
 * did as timeline events; it may throw DomainError to refuse. The save is one atomic conditional update
 * guarded by the document's version (optimistic concurrency): on a conflict everything is re-read and
 * `mutate` runs again on the fresh state; the dedupe key is checked on that fresh state too. So two people acting at once both land, in some
 * order, and the card is re-rendered from what was stored. Afterwards the card is updated and notable
 * events are posted in its thread (durable jobs).
 */
export async function changeTicket(
  deps: DomainDeps,
  ticketId: string,
  opts: ChangeOptions,
  mutate: (ticket: TicketDoc, record: Record_) => void | Promise<void>,
): Promise<ChangeOutcome> {
  const outcome = await applyChange(deps, ticketId, opts, mutate);
  if (outcome.changed) {
    await deps.effects.updateCard(outcome.ticket.id);
    for (const e of outcome.events) if (e.notify) await deps.effects.threadNote(outcome.ticket.id, String(e._id));
    for (const e of outcome.events) {
      const data = e.data as { mail?: QueuedMail; issueComment?: boolean } | undefined;
      if (data?.mail) await queueMail(deps, outcome.ticket, data.mail);
      if (data?.issueComment) await deps.effects.issueComment(outcome.ticket.id, String(e._id));
    }
    await refreshHomes(deps, outcome, opts.actor);
  }
  return outcome;
}

async function applyChange(
  deps: DomainDeps,
  ticketId: string,
  opts: ChangeOptions,
  mutate: (ticket: TicketDoc, record: Record_) => void | Promise<void>,
): Promise<ChangeOutcome> {
  for (let attempt = 1; ; attempt++) {
    const ticket = await deps.models.Ticket.findById(ticketId);
    if (!ticket) throw new TicketNotFoundError('That ticket no longer exists.');
    if (opts.dedupeKey && ticket.timeline.some((e) => e.dedupeKey === opts.dedupeKey)) {
      return { ticket, changed: false, events: [] };
    }
    const now = deps.clock.now();
    const recorded: EventInput[] = [];
    const assigneeBefore = ticket.assignee ?? null;
    await mutate(ticket, (event) => recorded.push(event));
    if (!recorded.length) return { ticket, changed: false, events: [] };

    recorded.forEach((event, i) => {
      ticket.timeline.push({
        at: now,
        actor: opts.actor,
        kind: event.kind,
        text: event.text,
        data: event.mail ? { ...event.data, ...mailOrComment(ticket, event.mail) } : event.data,
        notify: event.notify ?? false,
        // Only the first event carries the key: one request, one dedupe marker.
        dedupeKey: i === 0 ? opts.dedupeKey : undefined,
      });
    });
    ticket.updatedAt = now;
    updateSlaState(ticket, deps.policy, now);
    await capTimeline(deps, ticket);
    try {
      await ticket.save();
    } catch (err) {
      if (err instanceof mongoose.Error.VersionError && attempt < MAX_ATTEMPTS) {
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(200, 10 * attempt)));
        continue;
      }
      throw err;
    }
    return { ticket, changed: true, events: ticket.timeline.slice(-recorded.length), assigneeBefore };
  }
}

/**
 * The App Homes that list this ticket for someone in particular: the old and new assignee, and whoever acted.
 * Best effort: the change is stored already, and a missed refresh is repaired when the tab is next opened.
 */
async function refreshHomes(deps: DomainDeps, outcome: ChangeOutcome, actor: Actor): Promise<void> {
  const users = new Set([
    outcome.assigneeBefore,
    outcome.ticket.assignee,
    actor.type === 'user' ? actor.id : undefined,
  ]);
  for (const user of users) {
    if (!user) continue;
    await deps.effects
      .refreshHome(user)
      .catch((err: unknown) => deps.logger.warn({ err, user }, 'could not schedule an App Home refresh'));
  }
}

/**
 * A ticket that came from a GitHub issue is answered on the issue, never by mail (its requester has only
 * GitHub's no-reply address): the event asks for a comment there instead (src/flows/issue-comment.ts).
 */
function mailOrComment(ticket: TicketDoc, mail: QueuedMail): Record<string, unknown> {
  return ticket.source === 'github' ? { issueComment: true } : { mailId: mail.id, mail };
}
