import type { App, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import type { AppContext } from '../../src/context.js';
import { incidentForUpdate } from '../../src/domain/incidents/guards.js';
import { postIncidentUpdate, UPDATE_STATUSES } from '../../src/domain/incidents/updates.js';
import { CallbackIds, InputIds } from '../../views/ids.js';
import { UPDATE_TEXT_MAX } from '../../views/incident-update.js';
import { checkIncidentForm, formValues } from '../incident-modals.js';
import { afterAck } from '../respond.js';
import { agentActor } from '../modal-values.js';

const text = (missing: string) =>
  z.string().trim().min(1, missing).max(UPDATE_TEXT_MAX, `Keep it under ${UPDATE_TEXT_MAX} characters.`);
const updateSchema = z.object({
  status: z.enum(UPDATE_STATUSES, 'Choose a status.'),
  known: text('Say what is known: the current status.'),
  impact: text('Say who is affected and how badly (or that it is still being assessed).'),
  next: z.coerce
    .number({ error: 'Give the minutes until the next update.' })
    .positive('Give a number of minutes above 0.')
    .max(1440, 'At most a day (1440 minutes).'),
  email: z.boolean(),
  public: z.boolean(),
});
const BLOCK_OF = {
  status: InputIds.updateStatus.block,
  known: InputIds.updateKnown.block,
  impact: InputIds.updateImpact.block,
  next: InputIds.updateNext.block,
} as const;

/** The "Post update" form: validated in the modal, then stored and published (war room, thread, topic, brief, mails). */
export function register(app: App, ctx: AppContext): void {
  app.view<ViewSubmitAction>(CallbackIds.incidentUpdateModal, async ({ ack, body, view }) => {
    const user = body.user.id;
    const v = formValues(view.state.values);
    const options = v.choices(InputIds.updateOptions);
    const values = {
      status: v.selected(InputIds.updateStatus),
      known: v.text(InputIds.updateKnown),
      impact: v.text(InputIds.updateImpact),
      next: v.text(InputIds.updateNext),
      email: options.includes('email'),
      // The box is only offered with STATUS_PAGE_ENABLED; what was ticked is kept either way.
      public: options.includes('public'),
    };
    const checked = await checkIncidentForm(ctx, user, view.private_metadata, {
      block: BLOCK_OF.known,
      blockOf: BLOCK_OF,
      button: 'Post update',
      what: 'update',
      schema: updateSchema,
      values,
      guard: (meta) => incidentForUpdate(ctx, meta.incidentId),
    });
    if (!checked.ok) return ack({ response_action: 'errors', errors: checked.errors });
    const { meta, data: d } = checked;
    await ack();
    await afterAck(ctx, { channel: meta.channel, user, what: 'post incident update' }, async () => {
      await postIncidentUpdate(ctx, {
        incidentId: meta.incidentId,
        actor: await agentActor(ctx, body.user),
        status: d.status,
        known: d.known,
        impact: d.impact,
        nextMinutes: d.next,
        emailRequesters: d.email,
        public: d.public,
        requestKey: view.id,
      });
    });
  });
}
