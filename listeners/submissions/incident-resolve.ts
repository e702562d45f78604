import type { App, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import type { AppContext } from '../../src/context.js';
import { incidentForResolution } from '../../src/domain/incidents/guards.js';
import { resolveIncident } from '../../src/domain/incidents/updates.js';
import { CallbackIds, InputIds } from '../../views/ids.js';
import { UPDATE_TEXT_MAX } from '../../views/incident-update.js';
import { checkIncidentForm, formValues } from '../incident-modals.js';
import { afterAck } from '../respond.js';
import { agentActor } from '../modal-values.js';

const resolveSchema = z
  .object({
    fix: z
      .string()
      .trim()
      .min(1, 'Say what fixed it.')
      .max(UPDATE_TEXT_MAX, `Keep it under ${UPDATE_TEXT_MAX} characters.`),
    verify: z.string().trim().max(UPDATE_TEXT_MAX, `Keep it under ${UPDATE_TEXT_MAX} characters.`),
    monitor: z.boolean(),
    tickets: z.boolean(),
    public: z.boolean(),
  })
  .refine((v) => !v.tickets || v.verify.length > 0, {
    path: ['verify'],
    message: 'Say how requesters can check that it works: their resolution mails carry it.',
  });
const BLOCK_OF = {
  fix: InputIds.resolveFix.block,
  verify: InputIds.resolveTicketsVerify.block,
  tickets: InputIds.resolveOptions.block,
} as const;

/** The "Resolve" form: all-clear, PagerDuty resolve, pages and cadence stop; optionally monitoring first and the linked tickets resolved. */
export function register(app: App, ctx: AppContext): void {
  app.view<ViewSubmitAction>(CallbackIds.incidentResolveModal, async ({ ack, body, view }) => {
    const user = body.user.id;
    const v = formValues(view.state.values);
    const options = v.choices(InputIds.resolveOptions);
    const values = {
      fix: v.text(InputIds.resolveFix),
      verify: v.text(InputIds.resolveTicketsVerify),
      monitor: options.includes('monitor'),
      tickets: options.includes('tickets'),
      public: options.includes('public'),
    };
    const checked = await checkIncidentForm(ctx, user, view.private_metadata, {
      block: BLOCK_OF.fix,
      blockOf: BLOCK_OF,
      button: 'Resolve',
      what: 'resolution',
      schema: resolveSchema,
      values,
      guard: (meta) => incidentForResolution(ctx, meta.incidentId),
    });
    if (!checked.ok) return ack({ response_action: 'errors', errors: checked.errors });
    const { meta, data: d } = checked;
    await ack();
    await afterAck(ctx, { channel: meta.channel, user, what: 'resolve incident' }, async () => {
      await resolveIncident(ctx, {
        incidentId: meta.incidentId,
        actor: await agentActor(ctx, body.user),
        fix: d.fix,
        monitor: d.monitor,
        resolveTickets: d.tickets,
        ...(d.verify ? { verify: d.verify } : {}),
        public: d.public,
        requestKey: view.id,
      });
    });
  });
}
