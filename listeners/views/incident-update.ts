import type { App, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import type { AppContext } from '../../src/context.js';
import { postIncidentUpdate, UPDATE_STATUSES } from '../../src/domain/incidents/updates.js';
import { CallbackIds, InputIds } from '../../views/ids.js';
import { UPDATE_TEXT_MAX } from '../../views/incident-update.js';
import { notInTeamText } from '../actions/card-action.js';
import { parseIncidentMetadata } from '../incident-modals.js';
import { afterAck } from '../respond.js';
import { agentActor, modalErrors } from './modal-values.js';

const text = (missing: string) => z.string().trim().min(1, missing).max(UPDATE_TEXT_MAX, `Keep it under ${UPDATE_TEXT_MAX} characters.`);
const updateSchema = z.object({
  status: z.enum(UPDATE_STATUSES, 'Choose a status.'),
  known: text('Say what is known: the current status.'),
  impact: text('Say who is affected and how badly (or that it is still being assessed).'),
  next: z.coerce.number({ error: 'Give the minutes until the next update.' }).positive('Give a number of minutes above 0.').max(1440, 'At most a day (1440 minutes).'),
  email: z.boolean(),
  public: z.boolean(),
});
const BLOCK_OF = { status: InputIds.updateStatus.block, known: InputIds.updateKnown.block, impact: InputIds.updateImpact.block, next: InputIds.updateNext.block } as const;

type StateValue = { value?: string | null; selected_option?: { value?: string } | null; selected_options?: Array<{ value?: string }> };

/** The "Post update" form: validated in the modal, then stored and published (war room, thread, topic, brief, mails). */
export function register(app: App, ctx: AppContext): void {
  app.view<ViewSubmitAction>(CallbackIds.incidentUpdateModal, async ({ ack, body, view }) => {
    const user = body.user.id;
    const refuse = (errors: Record<string, string>) => ack({ response_action: 'errors', errors });
    const meta = parseIncidentMetadata(view.private_metadata);
    if (!meta) return refuse({ [BLOCK_OF.known]: 'This form is out of date. Close it and press Post update again.' });
    const values = view.state.values as Record<string, Record<string, StateValue>>;
    const field = (ids: { block: string; action: string }) => values[ids.block]?.[ids.action];
    const options = (field(InputIds.updateOptions)?.selected_options ?? []).map((o) => o.value);
    const parsed = updateSchema.safeParse({
      status: field(InputIds.updateStatus)?.selected_option?.value,
      known: field(InputIds.updateKnown)?.value ?? '',
      impact: field(InputIds.updateImpact)?.value ?? '',
      next: field(InputIds.updateNext)?.value ?? '',
      email: options.includes('email'),
      public: ctx.incidents.statusPage && options.includes('public'),
    });
    if (!parsed.success) return refuse(modalErrors(parsed.error, BLOCK_OF, BLOCK_OF.known));
    try {
      if (!(await ctx.team.mayAct(user))) return refuse({ [BLOCK_OF.known]: notInTeamText(ctx.team.usergroup) });
      const incident = await ctx.models.Incident.findById(meta.incidentId, { key: 1, status: 1 }).lean();
      if (!incident) return refuse({ [BLOCK_OF.known]: 'That incident no longer exists.' });
      if (incident.status === 'resolved') return refuse({ [BLOCK_OF.known]: `${incident.key} is resolved; its report is what is left to do.` });
    } catch (err) {
      ctx.logger.error({ err, user }, 'could not check an incident update before accepting it');
      return refuse({ [BLOCK_OF.known]: 'Could not check this right now; nothing was posted. Please submit again in a moment.' });
    }
    await ack();
    const d = parsed.data;
    await afterAck(ctx, { channel: meta.channel, user, what: 'post incident update' }, async () => {
      await postIncidentUpdate(ctx, { incidentId: meta.incidentId, actor: await agentActor(ctx, body.user), status: d.status, known: d.known, impact: d.impact, nextMinutes: d.next, emailRequesters: d.email, public: d.public, requestKey: view.id });
    });
  });
}
