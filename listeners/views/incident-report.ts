import type { App, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import type { AppContext } from '../../src/context.js';
import { parseActionItems, submitReport } from '../../src/domain/incidents/report.js';
import { CallbackIds, InputIds } from '../../views/ids.js';
import { REPORT_FIELD_MAX } from '../../views/incident-report.js';
import { notInTeamText } from '../actions/card-action.js';
import { parseIncidentMetadata } from '../incident-modals.js';
import { afterAck } from '../respond.js';
import { agentActor, modalErrors } from './modal-values.js';

const field = (missing?: string) => (missing ? z.string().trim().min(1, missing) : z.string().trim()).max(REPORT_FIELD_MAX, `Keep it under ${REPORT_FIELD_MAX} characters.`);
const when = z.number({ error: 'Pick a date and time.' }).int().positive();
const reportSchema = z
  .object({
    title: z.string().trim().min(1, 'Give the report a title.').max(250, 'Keep the title to 250 characters.'),
    start: when,
    end: when,
    impact: field('Say what the impact was.'),
    rootCause: field('Say what the root cause was (or what is known of it).'),
    resolution: field('Say how it was resolved.'),
    prevention: field(),
    timeline: field(),
  })
  .refine((v) => v.end >= v.start, { path: ['end'], message: 'The end is before the start.' });
const BLOCK_OF = {
  title: InputIds.reportTitle.block,
  start: InputIds.reportStart.block,
  end: InputIds.reportEnd.block,
  impact: InputIds.reportImpact.block,
  rootCause: InputIds.reportRootCause.block,
  resolution: InputIds.reportResolution.block,
  prevention: InputIds.reportPrevention.block,
  timeline: InputIds.reportTimeline.block,
} as const;

type StateValue = { value?: string | null; selected_date_time?: number | null };

/** "Write report": stored on the incident (a new revision each time), posted in the war room and #support, uploaded as Markdown. */
export function register(app: App, ctx: AppContext): void {
  app.view<ViewSubmitAction>(CallbackIds.incidentReportModal, async ({ ack, body, view }) => {
    const user = body.user.id;
    const refuse = (errors: Record<string, string>) => ack({ response_action: 'errors', errors });
    const meta = parseIncidentMetadata(view.private_metadata);
    if (!meta) return refuse({ [BLOCK_OF.title]: 'This form is out of date. Close it and press Write report again.' });
    const values = view.state.values as Record<string, Record<string, StateValue>>;
    const get = (ids: { block: string; action: string }) => values[ids.block]?.[ids.action];
    const parsed = reportSchema.safeParse({
      title: get(InputIds.reportTitle)?.value ?? '',
      start: get(InputIds.reportStart)?.selected_date_time ?? undefined,
      end: get(InputIds.reportEnd)?.selected_date_time ?? undefined,
      impact: get(InputIds.reportImpact)?.value ?? '',
      rootCause: get(InputIds.reportRootCause)?.value ?? '',
      resolution: get(InputIds.reportResolution)?.value ?? '',
      prevention: get(InputIds.reportPrevention)?.value ?? '',
      timeline: get(InputIds.reportTimeline)?.value ?? '',
    });
    if (!parsed.success) return refuse(modalErrors(parsed.error, BLOCK_OF, BLOCK_OF.title));
    try {
      if (!(await ctx.team.mayAct(user))) return refuse({ [BLOCK_OF.title]: notInTeamText(ctx.team.usergroup) });
      const incident = await ctx.models.Incident.findById(meta.incidentId, { key: 1, resolvedAt: 1 }).lean();
      if (!incident) return refuse({ [BLOCK_OF.title]: 'That incident no longer exists.' });
      if (!incident.resolvedAt) return refuse({ [BLOCK_OF.title]: `${incident.key} is not resolved yet: the report comes after the fix.` });
    } catch (err) {
      ctx.logger.error({ err, user }, 'could not check a report before accepting it');
      return refuse({ [BLOCK_OF.title]: 'Could not check this right now; nothing was stored. Please submit again in a moment.' });
    }
    await ack();
    const d = parsed.data;
    await afterAck(ctx, { channel: meta.channel, user, what: 'submit incident report' }, async () => {
      await submitReport(ctx, {
        incidentId: meta.incidentId,
        actor: await agentActor(ctx, body.user),
        fields: { title: d.title, startedAt: new Date(d.start * 1000), endedAt: new Date(d.end * 1000), impact: d.impact, rootCause: d.rootCause, resolution: d.resolution, prevention: parseActionItems(d.prevention), timeline: d.timeline },
        requestKey: view.id,
      });
    });
  });
}
