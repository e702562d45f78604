import type { Types } from 'mongoose';
import type { TicketDoc } from '../db/models/ticket.js';
import type { DomainDeps } from './deps.js';
import { changeTicket, type ChangeOutcome } from './ticket-changes.js';
import { STATUS_LABELS, type Status } from './types.js';

/** A file that came with a requester's mail, as listed on the ticket. */
export interface AttachmentRecord {
  filename: string;
  contentType: string;
  size: number;
  /** Whether the contents were kept (see the Attachment model). */
  stored: boolean;
  contentId?: Types.ObjectId;
}

export interface RequesterReply {
  from: { email: string; name?: string };
  /** What the requester wrote, without the history it quotes. */
  text: string;
  /** Identifies the mail (Message-ID or content hash): a redelivered reply changes nothing. */
  dedupeKey: string;
  messageId?: string;
  /** Why the mail counts as automatic (auto-reply, bounce…); undefined for a person's mail. */
  automated?: string;
  attachments: AttachmentRecord[];
  /** How the mail was matched to the ticket: its thread headers, or the ticket number in its subject. */
  matchedBy: 'thread' | 'subject';
}

const CLOSED: readonly Status[] = ['resolved', 'closed'];

/** What a ticket document embeds at most, so it stays far below MongoDB's 16 MB limit however long it lives. */
export const MAX_EMBEDDED_MESSAGE_IDS = 200;
export const MAX_EMBEDDED_ATTACHMENTS = 100;

/** Where a ticket goes when work on it resumes: with someone on it in progress, else back to triage. */
function workingStatus(ticket: TicketDoc): Status {
  if (ticket.assignee) return 'in_progress';
  return ticket.priority && ticket.category ? 'triaged' : 'new';
}

/**
 * Adds a requester's mail to the ticket's timeline and the card's thread. A reply to a resolved or closed
 * ticket reopens it (counted in `reopenCount`, the reopen-rate metric); a reply while the team waits on the
 * customer puts the ticket back to work, which resumes the SLA clock. Automatic mail (out-of-office,
 * bounces) is recorded but moves nothing: it is not the requester saying the problem persists.
 */
export async function addRequesterReply(
  deps: DomainDeps,
  ticketId: string,
  reply: RequesterReply,
): Promise<ChangeOutcome> {
  const actor = { type: 'requester' as const, id: reply.from.email, name: reply.from.name };
  return changeTicket(deps, ticketId, { actor, dedupeKey: reply.dedupeKey }, (ticket, record) => {
    record({
      kind: 'requester_reply',
      text: reply.automated ? 'Automatic reply from {actor} (status unchanged)' : 'Reply from {actor}',
      data: {
        quote: reply.text,
        matchedBy: reply.matchedBy,
        automated: reply.automated,
        attachments: reply.attachments
          .slice(0, 20)
          .map(({ filename, contentType, size, stored }) => ({ filename, contentType, size, stored })),
        ...(reply.attachments.length > 20 ? { moreAttachments: reply.attachments.length - 20 } : {}),
      },
      notify: true,
    });

    // Only an authenticated mail from the requester joins a ticket (src/intake/email.ts): their address is theirs.
    if (ticket.requester && !ticket.requester.verified) ticket.set('requester.verified', 'reply');
    // The Message-ID is kept once on the ticket (and with the whole message in ticket_messages), not on the event.
    const email = ticket.email ?? (ticket.email = { messageIds: [] } as never);
    if (reply.messageId) {
      if (!email.messageIds.includes(reply.messageId)) email.messageIds.push(reply.messageId);
      // Bounded: the first ids (the requester's mail, our acknowledgement) and the latest ones stay; older
      // replies are still found through ticket_messages, and our own mails through the outbox.
      if (email.messageIds.length > MAX_EMBEDDED_MESSAGE_IDS)
        email.messageIds.splice(2, email.messageIds.length - MAX_EMBEDDED_MESSAGE_IDS);
      // Our next mail answers this one (see threadHeaders).
      email.lastMessageId = reply.messageId;
    }
    // The ticket lists its first files; every file is in the attachments collection and on its reply's event.
    const room = Math.max(0, MAX_EMBEDDED_ATTACHMENTS - ticket.attachments.length);
    if (reply.attachments.length && room) ticket.attachments.push(...reply.attachments.slice(0, room));
    if (reply.automated) return;

    const from = ticket.status as Status;
    if (CLOSED.includes(from)) {
      const to = workingStatus(ticket);
      ticket.status = to;
      ticket.reopenCount = (ticket.reopenCount ?? 0) + 1;
      ticket.resolvedAt = undefined;
      ticket.closedAt = undefined;
      record({
        kind: 'reopened',
        text: `Reopened (was ${STATUS_LABELS[from]}, now ${STATUS_LABELS[to]}): the requester replied`,
        data: { from, to, reason: 'requester_reply' },
        notify: true,
      });
    } else if (from === 'waiting_on_customer') {
      const to = workingStatus(ticket);
      ticket.status = to;
      record({
        kind: 'status_changed',
        text: `${STATUS_LABELS[to]} again: the requester answered`,
        data: { from, to, reason: 'requester_reply' },
        notify: true,
      });
    }
  });
}
