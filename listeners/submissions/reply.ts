import type { App, ViewStateValue, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import type { AppContext } from '../../src/context.js';
import { agentReply, ticketForReply } from '../../src/domain/replies.js';
import { recordArticleSent } from '../../src/domain/knowledge.js';
import { CallbackIds, InputIds } from '../../views/ids.js';
import { MESSAGE_MAX_CHARS, WAITING_OPTION } from '../../views/reply-modal.js';
import { afterAck } from '../respond.js';
import { agentActor, checkTicketForm, findBlockId } from '../modal-values.js';

const replySchema = z.object({
  message: z
    .string()
    .trim()
    .min(1, 'Write a message to the requester.')
    .max(MESSAGE_MAX_CHARS, `Keep the message under ${MESSAGE_MAX_CHARS} characters.`),
  waitOnCustomer: z.boolean(),
});

function readForm(values: Record<string, Record<string, ViewStateValue>>) {
  const messageBlock = findBlockId(values, InputIds.replyMessage.block) ?? InputIds.replyMessage.block;
  const waitingBlock = findBlockId(values, InputIds.replyWaiting.block);
  const waiting = waitingBlock ? values[waitingBlock]?.[InputIds.replyWaiting.action]?.selected_options : undefined;
  return {
    messageBlock,
    form: {
      message: values[messageBlock]?.[InputIds.replyMessage.action]?.value ?? '',
      waitOnCustomer: !!waiting?.some((o) => o.value === WAITING_OPTION),
    },
  };
}

/**
 * The reply form's submission. The form, membership and the ticket's status are checked inside the modal;
 * the reply (timeline, thread note, mail) is stored after the ack, and a late refusal is told ephemerally.
 */
export function register(app: App, ctx: AppContext): void {
  app.view<ViewSubmitAction>(CallbackIds.replyModal, async ({ ack, body, view }) => {
    const user = body.user.id;
    const { messageBlock, form } = readForm(view.state.values);
    const checked = await checkTicketForm(ctx, user, view.private_metadata, {
      block: messageBlock,
      button: 'Reply',
      what: 'reply',
      schema: replySchema,
      values: form,
      guard: (ticketId) => ticketForReply(ctx, ticketId),
    });
    if (!checked.ok) return ack({ response_action: 'errors', errors: checked.errors });
    const { meta, data: reply } = checked;
    await ack();
    await afterAck(ctx, { channel: meta.channel, user, what: 'reply to requester' }, async () => {
      await agentReply(ctx, {
        ticketId: meta.ticketId,
        actor: await agentActor(ctx, body.user),
        message: reply.message,
        waitOnCustomer: reply.waitOnCustomer,
        requestKey: view.id,
      });
      // Started from "Send this article": the article's usage counts it (once per form).
      if (meta.articleId) await recordArticleSent(ctx, meta.articleId, view.id);
    });
  });
}
