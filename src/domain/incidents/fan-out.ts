import type { IncidentDoc } from '../../db/models/incident.js';
import type { TicketDoc } from '../../db/models/ticket.js';
import { agentMailId, composeAgentMail } from '../agent-mail.js';
import { bulkMailRefusal } from '../bulk-mail.js';
import { greeting } from '../outbox.js';
import type { DomainDeps } from '../deps.js';
import { DomainError } from '../errors.js';
import { resolveTicket } from '../resolution.js';
import { formatLocalDate, localDate, zonedParts } from '../local-time.js';
import { changeTicket } from '../ticket-changes.js';
import { OPEN_STATUSES, type Status, type Actor } from '../types.js';
import { affectedTickets, linkedTickets } from './queries.js';
import { STATUS_WORDS, type UpdateData } from './updates.js';

/** "14:30 (Europe/Berlin)" today, "2026-03-05 14:30 (UTC)" another day: mail has no per-reader time zone. */
export function localTimeText(at: Date, now: Date, timeZone: string): string {
  const p = zonedParts(at, timeZone);
  const hhmm = `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
  const day = formatLocalDate(localDate(at, timeZone));
  return `${day === formatLocalDate(localDate(now, timeZone)) ? hhmm : `${day} ${hhmm}`} (${timeZone})`;
}

/** Why a requester is not mailed (automatic or bouncing address, our own address), or undefined. */
export function skipMailReason(ticket: TicketDoc, supportAddress: string): string | undefined {
  const email = ticket.requester?.email?.toLowerCase();
  if (!email || email === supportAddress.toLowerCase()) return 'no customer address';
  if (ticket.email?.automated) return 'the address only sends automatic mail';
  const lastInbound = [...ticket.timeline].reverse().find((e) => e.kind === 'requester_reply');
  const automated = String((lastInbound?.data as { automated?: string } | undefined)?.automated ?? '');
  if (/delivery report|empty return path|mailer-daemon|postmaster/i.test(automated))
    return 'mail to the address bounced';
  return bulkMailRefusal(ticket);
}

/** The requester's mail: their own ticket's subject and thread, the update in the status template, nobody else's details. */
export function updateMailBody(ticket: TicketDoc, d: UpdateData, opts: { now: Date; timeZone: string }): string {
  const lines = [
    greeting(ticket),
    '',
    `An update on the service problem behind your request ${ticket.key}. We are handling it as one incident, together with other reports of the same problem.`,
    '',
    `[${STATUS_WORDS[d.status]}] Service update`,
    '',
    'Current status:',
    d.known,
    '',
    'Impact:',
    d.impact || 'Still being assessed.',
    '',
    d.nextAt
      ? `Next update: by ${localTimeText(d.nextAt, opts.now, opts.timeZone)}`
      : d.status === 'resolved'
        ? 'This is our last update on the incident.'
        : 'We will write again when there is news.',
    '',
    'You do not need to reply. If you see something else, or the problem again later, reply to this email: it joins your request.',
  ];
  return lines.join('\n');
}

/** The update as a note in a ticket's thread: app text with the agent-written parts quoted (escaped by the view). */
function noteQuote(d: UpdateData, opts: { now: Date; timeZone: string }): string {
  const next = d.nextAt ? `\nNext update: ${localTimeText(d.nextAt, opts.now, opts.timeZone)}` : '';
  return `Current status: ${d.known}\nImpact: ${d.impact || 'still being assessed'}${next}`;
}

/**
 * One status update on the incident's tickets, each once (dedupe key per update and ticket): its own
 * ticket's thread always gets it; with `email`, every open affected ticket's requester is mailed on their
 * own ticket's thread (counting as the first response where none was sent), recorded on that ticket's
 * timeline. Bouncing and automatic addresses are skipped and the skip is recorded.
 */
export async function recordUpdateOnTickets(
  deps: DomainDeps,
  incident: IncidentDoc,
  eventId: string,
  actor: Actor,
  d: UpdateData,
): Promise<void> {
  const opts = { now: deps.clock.now(), timeZone: deps.policy.timeZone };
  const own = await deps.models.Ticket.findById(incident.ticketId);
  const targets = [...(own ? [own] : []), ...(d.email ? await linkedTickets(deps, incident.id) : [])];
  for (const t of targets) {
    const isOwn = t.id === String(incident.ticketId);
    // A ticket opened with `/support incident` has no customer behind it.
    const wantsMail = d.email && !(isOwn && incident.declaredVia === 'command');
    if (!isOwn && !wantsMail) continue;
    await changeTicket(deps, t.id, { actor, dedupeKey: `incident-update:${eventId}` }, (ticket, record) => {
      const open = OPEN_STATUSES.includes(ticket.status as Status);
      const skip = wantsMail && open ? skipMailReason(ticket, deps.settings.supportEmail) : undefined;
      const head = `[${STATUS_WORDS[d.status]}] ${incident.key} update by {actor}`;
      const data = { incident: incident.key, eventId, quote: noteQuote(d, opts) };
      if (!wantsMail || !open || skip) {
        if (isOwn || skip)
          record({
            kind: 'incident_update',
            text: `${head}${skip ? ` · not emailed: ${skip}` : ''}`,
            data,
            notify: isOwn,
          });
        return;
      }
      const mail = composeAgentMail(deps, ticket, actor, {
        id: agentMailId('incident-update', ticket, eventId),
        kind: 'incident_update',
        body: updateMailBody(ticket, d, opts),
      });
      const firstResponse = !ticket.firstResponseAt;
      if (firstResponse) ticket.firstResponseAt = deps.clock.now();
      record({
        kind: 'incident_update',
        text: `${head} · emailed to the requester`,
        data: { ...data, firstResponse },
        notify: true,
        mail,
      });
    });
  }
}

/**
 * "Resolve the linked tickets too": every open affected ticket is resolved with the usual resolution mail and
 * satisfaction survey (one per ticket: the dedupe key names the resolution). The incident's own ticket is
 * resolved too; opened by `/support incident`, it has no requester to mail.
 */
export async function resolveAffectedTickets(
  deps: DomainDeps,
  incident: IncidentDoc,
  eventId: string,
  actor: Actor,
  d: UpdateData,
): Promise<void> {
  const r = d.resolution;
  if (!r?.resolveTickets || !r.verify) return;
  const tickets = await affectedTickets(deps, incident);
  if (incident.declaredVia === 'command') {
    const own = await deps.models.Ticket.findById(incident.ticketId);
    if (own) tickets.unshift(own);
  }
  for (const t of tickets) {
    if (!OPEN_STATUSES.includes(t.status as Status)) continue;
    const silent = incident.declaredVia === 'command' && t.id === String(incident.ticketId);
    // A requester nobody vouches for is resolved without mail, like every mail to many (see bulk-mail.ts).
    const skip = silent ? undefined : skipMailReason(t, deps.settings.supportEmail);
    const mailing =
      silent || skip
        ? { mail: false, ...(skip ? { notMailedBecause: skip } : {}) }
        : { mailKind: 'incident_resolution' };
    try {
      await resolveTicket(deps, {
        ticketId: t.id,
        actor,
        summary: r.fix,
        verify: r.verify,
        requestKey: `incident:${eventId}`,
        ...mailing,
      });
    } catch (err) {
      // Resolved or closed meanwhile by someone else: nothing left to do for it.
      if (!(err instanceof DomainError)) throw err;
    }
  }
}
