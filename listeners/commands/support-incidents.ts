import type { SlashCommand } from '@slack/bolt';
import type { AppContext } from '../../src/context.js';
import { DomainError } from '../../src/domain/errors.js';
import { incidentDetail } from '../../src/domain/incidents/guards.js';
import { linkTicket, unlinkTicket } from '../../src/domain/incidents/links.js';
import { findIncidentByKey, incidentOfChannel } from '../../src/domain/incidents/queries.js';
import { liveIncidentRows, recentIncidentRows } from '../../src/domain/incidents/overview.js';
import { findTicketByKey } from '../../src/domain/tickets.js';
import { incidentDetailText, incidentsListText } from '../../views/incident-list.js';
import { openUpdateModal } from '../incident-modals.js';
import { tellUser } from '../respond.js';

export const INCIDENT_REF = /^INC-\d{1,9}$/i;
const TICKET = /^(?:SUP-|#)?(\d{1,9})$/i;

function ticketKeyOf(word: string | undefined): string | undefined {
  const m = TICKET.exec(word ?? '');
  return m ? `SUP-${Number(m[1])}` : undefined;
}

/** `/support update`: in a war room, opens the update form for its incident. */
export async function updateCommand(ctx: AppContext, command: SlashCommand): Promise<void> {
  const incident = await incidentOfChannel(ctx, command.channel_id);
  if (!incident)
    throw new DomainError("Use `/support update` inside an incident's war room, or press *Post update* on its brief.");
  await openUpdateModal(ctx, command.trigger_id, incident, command.channel_id);
}

/** `/support link SUP-12 INC-3`, or `/support link SUP-12` inside the incident's war room. */
export async function linkCommand(ctx: AppContext, command: SlashCommand, args: string): Promise<void> {
  const [ticketWord, incidentWord, ...extra] = args.split(/\s+/).filter(Boolean);
  const key = ticketKeyOf(ticketWord);
  if (!key || extra.length || (incidentWord && !INCIDENT_REF.test(incidentWord)))
    throw new DomainError(
      "Use `/support link SUP-12 INC-3`, or `/support link SUP-12` inside the incident's war room.",
    );
  const incident = incidentWord
    ? await findIncidentByKey(ctx, incidentWord)
    : await incidentOfChannel(ctx, command.channel_id);
  if (!incident)
    throw new DomainError(
      incidentWord
        ? `I can't find *${incidentWord.toUpperCase()}*. \`/support incidents\` lists them.`
        : 'Name the incident (`/support link SUP-12 INC-3`), or type this inside its war room.',
    );
  const ticket = await findTicketByKey(ctx, key);
  if (!ticket) throw new DomainError(`I can't find *${key}*.`);
  const result = await linkTicket(ctx, {
    ticketId: ticket.id,
    incidentId: incident.id,
    actor: { type: 'user', id: command.user_id, name: command.user_name },
    requestKey: `command:${command.trigger_id}`,
  });
  await tellUser(
    ctx.slack,
    command.channel_id,
    command.user_id,
    result.changed
      ? `:link: ${ticket.key} is linked to ${incident.key}${result.movedFrom ? ` (moved from ${result.movedFrom})` : ''}: its requester gets the incident's mailed updates.`
      : `${ticket.key} was already linked to ${incident.key}.`,
  );
}

/** `/support unlink SUP-12`. */
export async function unlinkCommand(ctx: AppContext, command: SlashCommand, args: string): Promise<void> {
  const key = ticketKeyOf(args.trim());
  if (!key) throw new DomainError('Use `/support unlink SUP-12`.');
  const ticket = await findTicketByKey(ctx, key);
  if (!ticket) throw new DomainError(`I can't find *${key}*.`);
  const result = await unlinkTicket(ctx, {
    ticketId: ticket.id,
    actor: { type: 'user', id: command.user_id, name: command.user_name },
    requestKey: `command:${command.trigger_id}`,
  });
  await tellUser(
    ctx.slack,
    command.channel_id,
    command.user_id,
    result.changed
      ? `:link: ${ticket.key} is no longer linked to ${result.incidentKey}.`
      : `${ticket.key} is not linked to an incident.`,
  );
}

/** `/support incidents`: active incidents and those resolved in the last week. */
export async function incidentsCommand(ctx: AppContext, command: SlashCommand): Promise<void> {
  const now = ctx.clock.now();
  const [live, recent] = await Promise.all([liveIncidentRows(ctx), recentIncidentRows(ctx, now)]);
  await tellUser(ctx.slack, command.channel_id, command.user_id, incidentsListText(live, recent, now));
}

/** `/support incident INC-3`: the incident with its ticket, linked tickets and their requesters. */
export async function showIncidentCommand(ctx: AppContext, command: SlashCommand, ref: string): Promise<void> {
  const { row, own, linked } = await incidentDetail(ctx, ref);
  const view = (t: {
    key: string;
    subject: string;
    status: string;
    requester?: { email?: string | null; name?: string | null } | null;
  }) => ({ key: t.key, subject: t.subject, status: t.status, requester: t.requester ?? null });
  await tellUser(
    ctx.slack,
    command.channel_id,
    command.user_id,
    incidentDetailText(
      { ...row, linked: linked.length },
      own ? view(own) : undefined,
      linked.map(view),
      ctx.clock.now(),
    ),
  );
}
