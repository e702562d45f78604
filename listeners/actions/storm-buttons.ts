import type { App, ButtonAction, StaticSelectAction } from '@slack/bolt';
import { z } from 'zod';
import type { AppContext } from '../../src/context.js';
import { DomainError } from '../../src/domain/errors.js';
import { liveIncidents } from '../../src/domain/incidents/queries.js';
import { requestStormAction } from '../../src/domain/storm-actions.js';
import { stormForForm } from '../../src/domain/storm-queries.js';
import { ActionIds } from '../../views/ids.js';
import { stormLinkModal, stormReplyModal } from '../../views/storm-card.js';
import { tellUser } from '../respond.js';
import { parseStormRef, stormIdFromBlockId, type StormMetadata } from '../storm-ref.js';
import { onCardAction } from '../card-action.js';

const STALE = 'That storm card control is out of date or malformed; nothing was changed.';
const priorityValue = z.enum(['P1', 'P2', 'P3']);

/** The storm card: Link all to incident and Reply to all open forms; Set priority for all and Split act at once. */
export function register(app: App, ctx: AppContext): void {
  const stormOf = async (value: unknown) => {
    const ref = parseStormRef(value);
    if (!ref) throw new DomainError(STALE);
    return stormForForm(ctx, ref.stormId);
  };

  onCardAction<ButtonAction>(
    app,
    ctx,
    ActionIds.stormReplyAll,
    'open the reply-to-all form',
    async (src, action, body) => {
      const storm = await stormOf(action.value);
      const metadata: StormMetadata = { stormId: storm.id, ...(src.channel ? { channel: src.channel } : {}) };
      await ctx.slack.views.open({
        trigger_id: body.trigger_id,
        view: stormReplyModal({
          label: storm.label,
          count: storm.count,
          unverified: storm.unverified,
          privateMetadata: JSON.stringify(metadata),
        }),
      });
    },
  );

  onCardAction<ButtonAction>(app, ctx, ActionIds.stormLinkAll, 'open the link-all form', async (src, action, body) => {
    const storm = await stormOf(action.value);
    const incidents = (await liveIncidents(ctx)).map((i) => ({ id: String(i._id), key: i.key, title: i.title }));
    const metadata: StormMetadata = { stormId: storm.id, ...(src.channel ? { channel: src.channel } : {}) };
    await ctx.slack.views.open({
      trigger_id: body.trigger_id,
      view: stormLinkModal({
        label: storm.label,
        count: storm.count,
        incidents,
        privateMetadata: JSON.stringify(metadata),
      }),
    });
  });

  onCardAction<StaticSelectAction>(
    app,
    ctx,
    ActionIds.stormSetPriority,
    'set priority for the storm',
    async (src, action) => {
      const stormId = stormIdFromBlockId(action.block_id);
      const priority = priorityValue.safeParse(action.selected_option?.value);
      if (!stormId || !priority.success) throw new DomainError(STALE);
      await requestStormAction(ctx, {
        stormId,
        kind: 'priority',
        priority: priority.data,
        actor: src.change.actor,
        requestKey: src.change.dedupeKey!,
      });
    },
  );

  onCardAction<ButtonAction>(app, ctx, ActionIds.stormSplit, 'split the storm', async (src, action) => {
    const storm = await stormOf(action.value);
    const { recorded } = await requestStormAction(ctx, {
      stormId: storm.id,
      kind: 'split',
      actor: src.change.actor,
      requestKey: src.change.dedupeKey!,
    });
    if (recorded)
      await tellUser(
        ctx.slack,
        src.channel,
        src.user,
        ':scissors: Splitting the storm: every ticket gets its own card, about one a second.',
      );
  });
}
