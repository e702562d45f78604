import type { App, ViewStateValue, ViewSubmitAction } from '@slack/bolt';
import type { z } from 'zod';
import type { AppContext } from '../../src/context.js';
import { escalateTicket, escalationRequestSchema, ticketForEscalation } from '../../src/domain/escalation.js';
import { CallbackIds, InputIds } from '../../views/ids.js';
import { checkTicketForm } from '../modal-values.js';
import { afterAck } from '../respond.js';

type Field = keyof z.infer<typeof escalationRequestSchema>;
const BLOCK_OF: Record<Field, string> = {
  level: InputIds.escalateLevel.block,
  reason: InputIds.escalateReason.block,
  usersAffected: InputIds.escalateUsers.block,
  severity: InputIds.escalateSeverity.block,
  tried: InputIds.escalateTried.block,
  needed: InputIds.escalateNeeded.block,
};

function readForm(values: Record<string, Record<string, ViewStateValue>>) {
  const get = (id: { block: string; action: string }) => values[id.block]?.[id.action];
  return {
    level: get(InputIds.escalateLevel)?.selected_option?.value,
    reason: get(InputIds.escalateReason)?.value ?? undefined,
    usersAffected: get(InputIds.escalateUsers)?.value ?? undefined,
    severity: get(InputIds.escalateSeverity)?.selected_option?.value,
    tried: get(InputIds.escalateTried)?.value ?? undefined,
    needed: get(InputIds.escalateNeeded)?.value ?? undefined,
  };
}

/**
 * The escalation form's submission. Everything that can be checked quickly (the form, membership, the
 * ticket's current level) is answered inside the modal; the change itself runs after the ack, and a
 * refusal found only then (someone escalated it meanwhile) is told ephemerally.
 */
export function register(app: App, ctx: AppContext): void {
  app.view<ViewSubmitAction>(CallbackIds.escalateModal, async ({ ack, body, view }) => {
    const user = body.user.id;
    const checked = await checkTicketForm(ctx, user, view.private_metadata, {
      block: BLOCK_OF.level,
      blockOf: BLOCK_OF,
      button: 'Escalate',
      what: 'escalation',
      schema: escalationRequestSchema,
      values: readForm(view.state.values),
      guard: (ticketId, request) => ticketForEscalation(ctx, ticketId, request.level),
    });
    if (!checked.ok) return ack({ response_action: 'errors', errors: checked.errors });
    const { meta, data: request } = checked;
    await ack();
    await afterAck(ctx, { channel: meta.channel, user, what: 'escalate' }, async () => {
      await escalateTicket(
        ctx,
        meta.ticketId,
        { actor: { type: 'user', id: user, name: body.user.name }, dedupeKey: `view:${view.id}` },
        request,
      );
    });
  });
}
