import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import type { AppContext } from '../../src/context.js';
import type { IncidentDoc } from '../../src/db/models/incident.js';
import { DomainError } from '../../src/domain/errors.js';
import { acknowledgePage, takeCommand } from '../../src/domain/incidents/paging.js';
import { closeIncident, reopenIncident } from '../../src/domain/incidents/updates.js';
import { incidentById, resolutionRefusal } from '../../src/domain/incidents/guards.js';
import { ActionIds } from '../../views/ids.js';
import { openReportModal, openResolveModal, openUpdateModal } from '../incident-modals.js';
import { afterAck, tellUser } from '../respond.js';
import { cardActionSource, mayActOrTell, type CardActionSource } from '../card-action.js';

const incidentRef = z.object({ incidentId: z.string().regex(/^[a-f0-9]{24}$/) });
const STALE = 'That button is out of date or malformed; nothing was changed.';

function parseIncidentRef(value: unknown): string {
  try {
    return incidentRef.parse(JSON.parse(String(value))).incidentId;
  } catch {
    throw new DomainError(STALE);
  }
}

function loadIncident(ctx: AppContext, value: unknown): Promise<IncidentDoc> {
  return incidentById(ctx, parseIncidentRef(value));
}

/** An incident button for support-team members: ack, gate, then `handle` (failures told ephemerally). */
function onIncidentButton(
  app: App,
  ctx: AppContext,
  actionId: string,
  what: string,
  handle: (src: CardActionSource, incident: IncidentDoc, triggerId: string) => Promise<void>,
): void {
  app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action }) => {
    await ack();
    const src = cardActionSource(body, action);
    await afterAck(ctx, { channel: src.channel, user: src.user, what }, async () => {
      if (!(await mayActOrTell(ctx, src))) return;
      await handle(src, await loadIncident(ctx, action.value), body.trigger_id);
    });
  });
}

/**
 * The war room's brief and reminders ("Take command", "Post update", "Resolve", "Close incident", "Reopen",
 * "Write report"), the page DM's "Acknowledge", and the "Join war room" link buttons (Slack opens the link;
 * the click still reaches us and is only acknowledged).
 */
export function register(app: App, ctx: AppContext): void {
  onIncidentButton(app, ctx, ActionIds.incidentTakeCommand, 'take command', async (src, incident) => {
    const { changed } = await takeCommand(ctx, incident.id, src.change.actor, src.change.dedupeKey);
    if (!changed && incident.roles?.commander === src.user)
      await tellUser(ctx.slack, src.channel, src.user, `You already command ${incident.key}.`);
  });

  // Paged people may not be in the support team: the page was addressed to them, so they may answer it.
  app.action<BlockAction<ButtonAction>>(ActionIds.incidentAcknowledge, async ({ ack, body, action }) => {
    await ack();
    const src = cardActionSource(body, action);
    await afterAck(ctx, { channel: src.channel, user: src.user, what: 'acknowledge page' }, async () => {
      const incident = await loadIncident(ctx, action.value);
      const paged = [...(incident.roles?.oncall ?? []), incident.roles?.secondary].includes(src.user);
      if (!paged && !(await mayActOrTell(ctx, src))) return;
      const result = await acknowledgePage(ctx, incident.id, src.change.actor, src.change.dedupeKey);
      const by = result.incident.page?.acknowledgedBy;
      await tellUser(
        ctx.slack,
        src.channel,
        src.user,
        result.changed
          ? `Acknowledged: ${incident.key} stops paging. Join the war room to help.`
          : `${incident.key} was already acknowledged${by ? ` by <@${by}>` : ''}.`,
      );
    });
  });

  onIncidentButton(app, ctx, ActionIds.incidentPostUpdate, 'open the update form', (src, incident, trigger) =>
    openUpdateModal(ctx, trigger, incident, src.channel),
  );

  onIncidentButton(app, ctx, ActionIds.incidentResolve, 'open the resolve form', async (src, incident, trigger) => {
    if (incident.status === 'resolved') throw new DomainError(resolutionRefusal(incident)!);
    // In monitoring, the fix is in: "Resolve" on an older message closes it.
    if (incident.status === 'monitoring') {
      await closeIncident(ctx, { incidentId: incident.id, actor: src.change.actor, requestKey: src.change.dedupeKey! });
      await tellUser(ctx.slack, src.channel, src.user, `${incident.key} is closed. The incident report is next.`);
      return;
    }
    await openResolveModal(ctx, trigger, incident, src.channel);
  });

  onIncidentButton(app, ctx, ActionIds.incidentClose, 'close incident', async (src, incident) => {
    const { changed } = await closeIncident(ctx, {
      incidentId: incident.id,
      actor: src.change.actor,
      requestKey: src.change.dedupeKey!,
    });
    if (!changed) await tellUser(ctx.slack, src.channel, src.user, `${incident.key} is already closed.`);
  });

  onIncidentButton(app, ctx, ActionIds.incidentReopen, 'reopen incident', async (src, incident) => {
    const { changed } = await reopenIncident(ctx, {
      incidentId: incident.id,
      actor: src.change.actor,
      requestKey: src.change.dedupeKey!,
    });
    if (!changed) await tellUser(ctx.slack, src.channel, src.user, `${incident.key} is active already.`);
  });

  onIncidentButton(app, ctx, ActionIds.incidentWriteReport, 'open the report form', (src, incident, trigger) =>
    openReportModal(ctx, trigger, incident, src.channel),
  );

  app.action(ActionIds.incidentJoin, async ({ ack }) => {
    await ack();
  });
}
