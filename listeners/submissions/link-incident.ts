import type { App, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import type { AppContext } from '../../src/context.js';
import { incidentForLink } from '../../src/domain/incidents/guards.js';
import { linkTicket } from '../../src/domain/incidents/links.js';
import { CallbackIds, InputIds } from '../../views/ids.js';
import { afterAck, tellUser } from '../respond.js';
import { agentActor, checkTicketForm } from '../modal-values.js';
import { formValues } from '../incident-modals.js';

const linkSchema = z.object({
  incident: z.string({ error: 'Choose an incident.' }).regex(/^[a-f0-9]{24}$/, 'Choose an incident.'),
});

/** The card's "Link to incident" form: links the ticket (one write; linking twice is harmless). */
export function register(app: App, ctx: AppContext): void {
  app.view<ViewSubmitAction>(CallbackIds.linkIncidentModal, async ({ ack, body, view }) => {
    const user = body.user.id;
    const values = { incident: formValues(view.state.values).selected(InputIds.linkIncident) };
    const checked = await checkTicketForm(ctx, user, view.private_metadata, {
      block: InputIds.linkIncident.block,
      button: 'Link to incident',
      what: 'link',
      schema: linkSchema,
      values,
      guard: (_ticketId, data) => incidentForLink(ctx, data.incident),
    });
    if (!checked.ok) return ack({ response_action: 'errors', errors: checked.errors });
    const { meta, data } = checked;
    await ack();
    await afterAck(ctx, { channel: meta.channel, user, what: 'link to incident' }, async () => {
      const result = await linkTicket(ctx, {
        ticketId: meta.ticketId,
        incidentId: data.incident,
        actor: await agentActor(ctx, body.user),
        requestKey: view.id,
      });
      if (!result.changed)
        await tellUser(
          ctx.slack,
          meta.channel,
          user,
          `${result.ticket.key} was already linked to ${result.incident.key}.`,
        );
    });
  });
}
