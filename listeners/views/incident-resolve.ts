import type { App, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import type { AppContext } from '../../src/context.js';
import { resolveIncident } from '../../src/domain/incidents/updates.js';
import { CallbackIds, InputIds } from '../../views/ids.js';
import { UPDATE_TEXT_MAX } from '../../views/incident-update.js';
import { notInTeamText } from '../actions/card-action.js';
import { parseIncidentMetadata } from '../incident-modals.js';
import { afterAck } from '../respond.js';
import { agentActor, modalErrors } from './modal-values.js';

const resolveSchema = z
  .object({
    fix: z.string().trim().min(1, 'Say what fixed it.').max(UPDATE_TEXT_MAX, `Keep it under ${UPDATE_TEXT_MAX} characters.`),
    verify: z.string().trim().max(UPDATE_TEXT_MAX, `Keep it under ${UPDATE_TEXT_MAX} characters.`),
    monitor: z.boolean(),
    tickets: z.boolean(),
    public: z.boolean(),
  })
  .refine((v) => !v.tickets || v.verify.length > 0, { path: ['verify'], message: 'Say how requesters can check that it works: their resolution mails carry it.' });
const BLOCK_OF = { fix: InputIds.resolveFix.block, verify: InputIds.resolveTicketsVerify.block, tickets: InputIds.resolveOptions.block } as const;

type StateValue = { value?: string | null; selected_options?: Array<{ value?: string }> };

/** The "Resolve" form: all-clear, PagerDuty resolve, pages and cadence stop; optionally monitoring first and the linked tickets resolved. */
export function register(app: App, ctx: AppContext): void {
  app.view<ViewSubmitAction>(CallbackIds.incidentResolveModal, async ({ ack, body, view }) => {
    const user = body.user.id;
    const refuse = (errors: Record<string, string>) => ack({ response_action: 'errors', errors });
    const meta = parseIncidentMetadata(view.private_metadata);
    if (!meta) return refuse({ [BLOCK_OF.fix]: 'This form is out of date. Close it and press Resolve again.' });
    const values = view.state.values as Record<string, Record<string, StateValue>>;
    const field = (ids: { block: string; action: string }) => values[ids.block]?.[ids.action];
    const options = (field(InputIds.resolveOptions)?.selected_options ?? []).map((o) => o.value);
    const parsed = resolveSchema.safeParse({
      fix: field(InputIds.resolveFix)?.value ?? '',
      verify: field(InputIds.resolveTicketsVerify)?.value ?? '',
      monitor: options.includes('monitor'),
      tickets: options.includes('tickets'),
      public: ctx.incidents.statusPage && options.includes('public'),
    });
    if (!parsed.success) return refuse(modalErrors(parsed.error, BLOCK_OF, BLOCK_OF.fix));
    try {
      if (!(await ctx.team.mayAct(user))) return refuse({ [BLOCK_OF.fix]: notInTeamText(ctx.team.usergroup) });
      const incident = await ctx.models.Incident.findById(meta.incidentId, { key: 1, status: 1 }).lean();
      if (!incident) return refuse({ [BLOCK_OF.fix]: 'That incident no longer exists.' });
      if (incident.status !== 'active') return refuse({ [BLOCK_OF.fix]: `${incident.key} is already ${incident.status === 'monitoring' ? 'fixed and in monitoring' : 'resolved'}.` });
    } catch (err) {
      ctx.logger.error({ err, user }, 'could not check a resolution before accepting it');
      return refuse({ [BLOCK_OF.fix]: 'Could not check this right now; nothing was changed. Please submit again in a moment.' });
    }
    await ack();
    const d = parsed.data;
    await afterAck(ctx, { channel: meta.channel, user, what: 'resolve incident' }, async () => {
      await resolveIncident(ctx, { incidentId: meta.incidentId, actor: await agentActor(ctx, body.user), fix: d.fix, monitor: d.monitor, resolveTickets: d.tickets, ...(d.verify ? { verify: d.verify } : {}), public: d.public, requestKey: view.id });
    });
  });
}
