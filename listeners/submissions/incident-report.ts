import type { App, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import type { AppContext } from '../../src/context.js';
import { parseActionItems, submitReport } from '../../src/domain/incidents/report.js';
import { incidentForReport } from '../../src/domain/incidents/guards.js';
import { CallbackIds, InputIds } from '../../views/ids.js';
import { REPORT_FIELD_MAX } from '../../views/incident-report.js';
import { checkIncidentForm, formValues } from '../incident-modals.js';
import { afterAck } from '../respond.js';
import { agentActor } from '../modal-values.js';

const field = (missing?: string) =>
  (missing ? z.string().trim().min(1, missing) : z.string().trim()).max(
    REPORT_FIELD_MAX,
    `Keep it under ${REPORT_FIELD_MAX} characters.`,
  );
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

/** "Write report": stored on the incident (a new revision each time), posted in the war room and #support, uploaded as Markdown. */
export function register(app: App, ctx: AppContext): void {
  app.view<ViewSubmitAction>(CallbackIds.incidentReportModal, async ({ ack, body, view }) => {
    const user = body.user.id;
    const v = formValues(view.state.values);
    const values = {
      title: v.text(InputIds.reportTitle),
      start: v.dateTime(InputIds.reportStart),
      end: v.dateTime(InputIds.reportEnd),
      impact: v.text(InputIds.reportImpact),
      rootCause: v.text(InputIds.reportRootCause),
      resolution: v.text(InputIds.reportResolution),
      prevention: v.text(InputIds.reportPrevention),
      timeline: v.text(InputIds.reportTimeline),
    };
    const checked = await checkIncidentForm(ctx, user, view.private_metadata, {
      block: BLOCK_OF.title,
      blockOf: BLOCK_OF,
      button: 'Write report',
      what: 'report',
      schema: reportSchema,
      values,
      guard: (meta) => incidentForReport(ctx, meta.incidentId),
    });
    if (!checked.ok) return ack({ response_action: 'errors', errors: checked.errors });
    const { meta, data: d } = checked;
    await ack();
    await afterAck(ctx, { channel: meta.channel, user, what: 'submit incident report' }, async () => {
      await submitReport(ctx, {
        incidentId: meta.incidentId,
        actor: await agentActor(ctx, body.user),
        fields: {
          title: d.title,
          startedAt: new Date(d.start * 1000),
          endedAt: new Date(d.end * 1000),
          impact: d.impact,
          rootCause: d.rootCause,
          resolution: d.resolution,
          prevention: parseActionItems(d.prevention),
          timeline: d.timeline,
        },
        requestKey: view.id,
      });
    });
  });
}
