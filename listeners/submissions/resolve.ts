import type { App, ViewStateValue, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import type { AppContext } from '../../src/context.js';
import { resolveTicket, ticketForResolution } from '../../src/domain/resolution.js';
import { CallbackIds, InputIds } from '../../views/ids.js';
import { MESSAGE_MAX_CHARS } from '../../views/reply-modal.js';
import { SAVE_ARTICLE } from '../../views/resolve-modal.js';
import { articleFormAfterResolve } from '../article-form.js';
import { afterAck } from '../respond.js';
import { agentActor, checkTicketForm } from '../modal-values.js';

const text = (missing: string) =>
  z.string().trim().min(1, missing).max(MESSAGE_MAX_CHARS, `Keep it under ${MESSAGE_MAX_CHARS} characters.`);
const resolveSchema = z.object({
  summary: text('Say what was done: the requester reads this.'),
  verify: text('Say how the requester can check that it works.'),
});
const BLOCK_OF = { summary: InputIds.resolveSummary.block, verify: InputIds.resolveVerify.block } as const;

function readForm(values: Record<string, Record<string, ViewStateValue>>) {
  return {
    summary: values[InputIds.resolveSummary.block]?.[InputIds.resolveSummary.action]?.value ?? '',
    verify: values[InputIds.resolveVerify.block]?.[InputIds.resolveVerify.action]?.value ?? '',
  };
}

/** The resolution form's submission: checked inside the modal, then resolved (card, thread, mail with survey). */
export function register(app: App, ctx: AppContext): void {
  app.view<ViewSubmitAction>(CallbackIds.resolveModal, async ({ ack, body, view }) => {
    const user = body.user.id;
    const checked = await checkTicketForm(ctx, user, view.private_metadata, {
      block: BLOCK_OF.summary,
      blockOf: BLOCK_OF,
      button: 'Resolve',
      what: 'resolution',
      schema: resolveSchema,
      values: readForm(view.state.values),
      guard: (ticketId) => ticketForResolution(ctx, ticketId),
    });
    if (!checked.ok) return ack({ response_action: 'errors', errors: checked.errors });
    const { meta, data: resolution } = checked;
    // "Save as article next": the form turns into the article form, prefilled from this resolution.
    const box = view.state.values[InputIds.resolveSaveArticle.block]?.[InputIds.resolveSaveArticle.action];
    const saveArticle = box?.selected_options?.some((o) => o.value === SAVE_ARTICLE);
    const next = saveArticle ? await articleFormAfterResolve(ctx, meta, resolution) : undefined;
    await ack(next ? { response_action: 'update', view: next } : undefined);
    await afterAck(ctx, { channel: meta.channel, user, what: 'resolve ticket' }, async () => {
      await resolveTicket(ctx, {
        ticketId: meta.ticketId,
        actor: await agentActor(ctx, body.user),
        ...resolution,
        requestKey: view.id,
      });
    });
  });
}
