import type { App, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import type { AppContext } from '../../src/context.js';
import { incidentForLink } from '../../src/domain/incidents/guards.js';
import { linkTicket } from '../../src/domain/incidents/links.js';
import { CallbackIds, InputIds } from '../../views/ids.js';
import { afterAck, tellUser } from '../respond.js';
import { parseModalMetadata } from '../ticket-ref.js';
import { agentActor, refusalBeforeAccepting } from '../modal-values.js';

const choice = z.string().regex(/^[a-f0-9]{24}$/, 'Choose an incident.');

/** The card's "Link to incident" form: links the ticket (one write; linking twice is harmless). */
export function register(app: App, ctx: AppContext): void {
  app.view<ViewSubmitAction>(CallbackIds.linkIncidentModal, async ({ ack, body, view }) => {
    const user = body.user.id;
    const block = InputIds.linkIncident.block;
    const refuse = (message: string) => ack({ response_action: 'errors', errors: { [block]: message } });
    const meta = parseModalMetadata(view.private_metadata);
    const picked = choice.safeParse(view.state.values[block]?.[InputIds.linkIncident.action]?.selected_option?.value);
    if (!meta) return refuse('This form is out of date. Close it and press Link to incident again.');
    if (!picked.success) return refuse(picked.error.issues[0]!.message);
    const refusal = await refusalBeforeAccepting(ctx, user, 'link', () => incidentForLink(ctx, picked.data));
    if (refusal) return refuse(refusal);
    await ack();
    await afterAck(ctx, { channel: meta.channel, user, what: 'link to incident' }, async () => {
      const result = await linkTicket(ctx, { ticketId: meta.ticketId, incidentId: picked.data, actor: await agentActor(ctx, body.user), requestKey: view.id });
      if (!result.changed) await tellUser(ctx.slack, meta.channel, user, `${result.ticket.key} was already linked to ${result.incident.key}.`);
    });
  });
}
