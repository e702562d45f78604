import type { App } from '@slack/bolt';
import type { AppContext } from '../../src/context.js';
import { bugOfTicket, tellRequestersOfFix } from '../../src/domain/bug-status.js';
import { ActionIds } from '../../views/ids.js';
import { onCardButton } from '../card-action.js';
import { openFileBugModal, openLinkBugModal } from '../bug-forms.js';
import { agentActor } from '../modal-values.js';
import { tellUser } from '../respond.js';

/** The card's "File bug", "Link to bug" and, once the bug is fixed, "Tell requesters". */
export function register(app: App, ctx: AppContext): void {
  onCardButton(app, ctx, ActionIds.ticketFileBug, 'open the bug form', ({ src, ticketId, triggerId }) =>
    openFileBugModal(ctx, triggerId, ticketId, { channel: src.channel, ts: src.ts }),
  );
  onCardButton(app, ctx, ActionIds.ticketLinkBug, 'open the link-to-bug form', ({ src, ticketId, triggerId }) =>
    openLinkBugModal(ctx, triggerId, ticketId, { channel: src.channel, ts: src.ts }),
  );
  onCardButton(app, ctx, ActionIds.ticketTellRequesters, 'tell the requesters of a fix', async ({ src, ticketId }) => {
    const bugId = await bugOfTicket(ctx, ticketId);
    const actor = await agentActor(ctx, { id: src.user, name: src.change.actor.name });
    const { told, notMailed } = await tellRequestersOfFix(ctx, { bugId, actor });
    const plural = (n: number) => `${n} requester${n === 1 ? '' : 's'}`;
    const text =
      told || notMailed
        ? `:white_check_mark: ${plural(told)} told that the fix is out; their tickets are resolved.` +
          (notMailed ? ` ${plural(notMailed)} not emailed (see their threads).` : '')
        : 'Every requester of this bug has been told already.';
    await tellUser(ctx.slack, src.channel, src.user, text);
  });
}
