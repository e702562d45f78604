import type { App, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import type { AppContext } from '../../src/context.js';
import { resolveIncident } from '../../src/domain/incidents/updates.js';
import { incidentForResolution } from '../../src/domain/incidents/guards.js';
import { CallbackIds, InputIds } from '../../views/ids.js';
import { UPDATE_TEXT_MAX } from '../../views/incident-update.js';
import { parseIncidentMetadata } from '../incident-modals.js';
import { afterAck } from '../respond.js';
import { agentActor, modalErrors, refusalBeforeAccepting } from '../modal-values.js';

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
      // The box is only offered with STATUS_PAGE_ENABLED; what was ticked is kept either way.
      public: options.includes('public'),
    });
    if (!parsed.success) return refuse(modalErrors(parsed.error, BLOCK_OF, BLOCK_OF.fix));
    const refusal = await refusalBeforeAccepting(ctx, user, 'resolution', () => incidentForResolution(ctx, meta.incidentId));
    if (refusal) return refuse({ [BLOCK_OF.fix]: refusal });
    await ack();
    const d = parsed.data;
    await afterAck(ctx, { channel: meta.channel, user, what: 'resolve incident' }, async () => {
      await resolveIncident(ctx, { incidentId: meta.incidentId, actor: await agentActor(ctx, body.user), fix: d.fix, monitor: d.monitor, resolveTickets: d.tickets, ...(d.verify ? { verify: d.verify } : {}), public: d.public, requestKey: view.id });
    });
  });
}
