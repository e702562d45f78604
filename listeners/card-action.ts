import type { App, BasicElementAction, BlockAction, BlockElementAction, ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import type { AppContext } from '../src/context.js';
import type { ChangeOptions } from '../src/domain/ticket-changes.js';
import { BlockIds } from '../views/ids.js';
import { notInTeamText } from '../views/team-gate.js';
import { DomainError } from '../src/domain/errors.js';
import { afterAck, tellUser } from './respond.js';
import { parseTicketRef } from './ticket-ref.js';

/** Who acted on a card, where, and the key that makes a redelivery of the same click change nothing. */
export interface CardActionSource {
  user: string;
  channel?: string;
  /** The card message the action came from. */
  ts?: string;
  change: ChangeOptions;
}

export function cardActionSource(body: BlockAction, action: BasicElementAction): CardActionSource {
  const container = body.container as { channel_id?: string; message_ts?: string };
  return {
    user: body.user.id,
    channel: body.channel?.id ?? container.channel_id,
    ts: body.message?.ts ?? container.message_ts,
    change: {
      actor: { type: 'user', id: body.user.id, name: body.user.name ?? body.user.username },
      // Slack repeats action_ts when it redelivers the same click; user and action_id make it unique per control.
      dedupeKey: `${action.action_ts}:${body.user.id}:${action.action_id}`,
    },
  };
}

const controlsBlockId = z.string().regex(new RegExp(`^${BlockIds.cardControls}:([a-f0-9]{24})$`));

/** The ticket a card select belongs to, from its block_id (selects have no `value`); undefined when forged or stale. */
export function ticketIdFromBlockId(blockId: unknown): string | undefined {
  const parsed = controlsBlockId.safeParse(blockId);
  return parsed.success ? parsed.data.slice(BlockIds.cardControls.length + 1) : undefined;
}

/** SUPPORT_TEAM_USERGROUP's gate: tells a non-member ephemerally why nothing happened. */
export async function mayActOrTell(ctx: AppContext, src: Pick<CardActionSource, 'user' | 'channel'>): Promise<boolean> {
  if (await ctx.team.mayAct(src.user)) return true;
  ctx.logger.info({ user: src.user }, 'card action refused: not in the support team');
  await tellUser(ctx.slack, src.channel, src.user, notInTeamText(ctx.team.usergroup));
  return false;
}

export interface CardButtonClick {
  src: CardActionSource;
  ticketId: string;
  /** For opening a modal: expires three seconds after the click, so open it first. */
  triggerId: string;
}

/**
 * Any control on a card: ack at once, then (after the ack) check the team gate and run `handle`; failures
 * are logged and told to the user ephemerally.
 */
export function onCardAction<A extends BlockElementAction>(
  app: App,
  ctx: AppContext,
  actionId: string,
  what: string,
  handle: (src: CardActionSource, action: A, body: BlockAction<A>) => Promise<void>,
): void {
  app.action<BlockAction<A>>(actionId, async ({ ack, body, action }) => {
    await ack();
    const src = cardActionSource(body, action);
    await afterAck(ctx, { channel: src.channel, user: src.user, what }, async () => {
      if (!(await mayActOrTell(ctx, src))) return;
      await handle(src, action, body);
    });
  });
}

/** A card button: as onCardAction, with the button's value validated into the ticket it belongs to. */
export function onCardButton(
  app: App,
  ctx: AppContext,
  actionId: string,
  what: string,
  handle: (click: CardButtonClick) => Promise<void>,
): void {
  onCardAction<ButtonAction>(app, ctx, actionId, what, async (src, action, body) => {
    const ref = parseTicketRef(action.value);
    if (!ref) throw new DomainError('That button is out of date or malformed; nothing was changed.');
    await handle({ src, ticketId: ref.ticketId, triggerId: body.trigger_id });
  });
}
