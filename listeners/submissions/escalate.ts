import type { App, ViewStateValue, ViewSubmitAction } from '@slack/bolt';
import type { z } from 'zod';
import type { AppContext } from '../../src/context.js';
import { escalateTicket, escalationRequestSchema, ticketForEscalation } from '../../src/domain/escalation.js';
import { CallbackIds, InputIds } from '../../views/ids.js';
import { modalErrors, refusalBeforeAccepting } from '../modal-values.js';
import { afterAck } from '../respond.js';
import { parseModalMetadata } from '../ticket-ref.js';

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
    const refuse = (errors: Record<string, string>) => ack({ response_action: 'errors', errors });
    const meta = parseModalMetadata(view.private_metadata);
    if (!meta) return refuse({ [BLOCK_OF.level]: 'This form is out of date. Close it and press Escalate on the card again.' });
    const parsed = escalationRequestSchema.safeParse(readForm(view.state.values));
    if (!parsed.success) return refuse(modalErrors(parsed.error, BLOCK_OF, BLOCK_OF.level));
    const refusal = await refusalBeforeAccepting(ctx, user, 'escalation', () => ticketForEscalation(ctx, meta.ticketId, parsed.data.level));
    if (refusal) return refuse({ [BLOCK_OF.level]: refusal });
    await ack();
    await afterAck(ctx, { channel: meta.channel, user, what: 'escalate' }, async () => {
      await escalateTicket(ctx, meta.ticketId, { actor: { type: 'user', id: user, name: body.user.name }, dedupeKey: `view:${view.id}` }, parsed.data);
    });
  });
}
