import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import type { AppContext } from '../../src/context.js';
import { DomainError } from '../../src/domain/errors.js';
import { acknowledgePage, takeCommand } from '../../src/domain/incidents/paging.js';
import { ActionIds } from '../../views/ids.js';
import { afterAck, tellUser } from '../respond.js';
import { cardActionSource, mayActOrTell } from '../card-action.js';

const incidentRef = z.object({ incidentId: z.string().regex(/^[a-f0-9]{24}$/) });
const STALE = 'That button is out of date or malformed; nothing was changed.';

function parseIncidentRef(value: unknown): string {
  try {
    return incidentRef.parse(JSON.parse(String(value))).incidentId;
  } catch {
    throw new DomainError(STALE);
  }
}

/**
 * The war room's brief ("Take command", "Post update", "Resolve"), the page DM's "Acknowledge", and the
 * "Join war room" link buttons (Slack opens the link; the click still reaches us and is only acknowledged).
 */
export function register(app: App, ctx: AppContext): void {
  app.action<BlockAction<ButtonAction>>(ActionIds.incidentTakeCommand, async ({ ack, body, action }) => {
    await ack();
    const src = cardActionSource(body, action);
    await afterAck(ctx, { channel: src.channel, user: src.user, what: 'take command' }, async () => {
      if (!(await mayActOrTell(ctx, src))) return;
      const { incident, changed } = await takeCommand(ctx, parseIncidentRef(action.value), src.change.actor, src.change.dedupeKey);
      if (!changed && incident.roles?.commander === src.user) await tellUser(ctx.slack, src.channel, src.user, `You already command ${incident.key}.`);
    });
  });

  // Paged people may not be in the support team: the page was addressed to them, so they may answer it.
  app.action<BlockAction<ButtonAction>>(ActionIds.incidentAcknowledge, async ({ ack, body, action }) => {
    await ack();
    const src = cardActionSource(body, action);
    await afterAck(ctx, { channel: src.channel, user: src.user, what: 'acknowledge page' }, async () => {
      const incidentId = parseIncidentRef(action.value);
      const incident = await ctx.models.Incident.findById(incidentId);
      if (!incident) throw new DomainError('That incident no longer exists.');
      const paged = [...(incident.roles?.oncall ?? []), incident.roles?.secondary].includes(src.user);
      if (!paged && !(await mayActOrTell(ctx, src))) return;
      const result = await acknowledgePage(ctx, incidentId, src.change.actor, src.change.dedupeKey);
      const by = result.incident.page?.acknowledgedBy;
      await tellUser(ctx.slack, src.channel, src.user, result.changed ? `Acknowledged: ${incident.key} stops paging. Join the war room to help.` : `${incident.key} was already acknowledged${by ? ` by <@${by}>` : ''}.`);
    });
  });

  for (const [id, what] of [
    [ActionIds.incidentPostUpdate, 'Posting status updates'],
    [ActionIds.incidentResolve, 'Resolving an incident from Slack'],
  ] as const) {
    app.action<BlockAction<ButtonAction>>(id, async ({ ack, body, action }) => {
      await ack();
      const src = cardActionSource(body, action);
      await afterAck(ctx, { channel: src.channel, user: src.user, what }, async () => {
        await tellUser(ctx.slack, src.channel, src.user, `${what} is coming soon. Until then, post the update in this channel yourself.`);
      });
    });
  }

  app.action(ActionIds.incidentJoin, async ({ ack }) => {
    await ack();
  });
}
