import type { App, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import type { AppContext } from '../../src/context.js';
import { linkTicket } from '../../src/domain/incidents/links.js';
import { CallbackIds, InputIds } from '../../views/ids.js';
import { notInTeamText } from '../actions/card-action.js';
import { afterAck, tellUser } from '../respond.js';
import { parseModalMetadata } from '../ticket-ref.js';
import { agentActor } from './modal-values.js';

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
    try {
      if (!(await ctx.team.mayAct(user))) return refuse(notInTeamText(ctx.team.usergroup));
    } catch (err) {
      ctx.logger.error({ err, user }, 'could not check the support team before linking');
      return refuse('Could not check this right now; nothing was changed. Please submit again in a moment.');
    }
    await ack();
    await afterAck(ctx, { channel: meta.channel, user, what: 'link to incident' }, async () => {
      const result = await linkTicket(ctx, { ticketId: meta.ticketId, incidentId: picked.data, actor: await agentActor(ctx, body.user), requestKey: view.id });
      if (!result.changed) await tellUser(ctx.slack, meta.channel, user, `${result.ticket.key} was already linked to ${result.incident.key}.`);
    });
  });
}
