import type { App, BlockAction, StaticSelectAction } from '@slack/bolt';
import type { AppContext } from '../../src/context.js';
import { DomainError } from '../../src/domain/errors.js';
import { ticketForReply } from '../../src/domain/replies.js';
import { fillReplyTemplate, isReplyTemplateKind, templateWaitsOnCustomer } from '../../src/domain/reply-templates.js';
import { ActionIds } from '../../views/ids.js';
import { replyModal } from '../../views/reply-modal.js';
import { afterAck } from '../respond.js';
import { mayActOrTell } from '../card-action.js';
import { parseModalMetadata } from '../ticket-ref.js';

/**
 * Choosing a template in the reply form fills the message with it (and ticks "waiting on the customer"
 * for templates that ask the requester for something). The modal is re-rendered with views.update.
 */
export function register(app: App, ctx: AppContext): void {
  app.action<BlockAction<StaticSelectAction>>(ActionIds.replyTemplate, async ({ ack, body, action }) => {
    await ack();
    const meta = parseModalMetadata(body.view?.private_metadata);
    await afterAck(ctx, { channel: meta?.channel, user: body.user.id, what: 'fill reply template' }, async () => {
      // The template quotes the requester's name and the subject: the same gate as the Reply button.
      if (!(await mayActOrTell(ctx, { user: body.user.id, channel: meta?.channel }))) return;
      const kind = action.selected_option?.value;
      if (!body.view || !meta || !isReplyTemplateKind(kind))
        throw new DomainError('That reply form is out of date; close it and click Reply on the card again.');
      const ticket = await ticketForReply(ctx, meta.ticketId);
      await ctx.slack.views.update({
        // No hash: two quick choices should end with the later one, not with a hash_conflict error.
        view_id: body.view.id,
        view: replyModal({
          ticket,
          privateMetadata: body.view.private_metadata,
          template: kind,
          message: fillReplyTemplate(kind, ticket),
          waitOnCustomer: templateWaitsOnCustomer(kind),
          revision: `${kind}-${action.action_ts}`,
        }),
      });
    });
  });
}
