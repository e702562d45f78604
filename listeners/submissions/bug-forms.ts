import type { App, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import type { AppContext } from '../../src/context.js';
import { BUG_TEXT_MAX, BUG_TITLE_MAX } from '../../src/domain/bug-report.js';
import { bugFormFor, requestBugFiling } from '../../src/domain/bugs.js';
import { TRACKERS } from '../../src/domain/bug-refs.js';
import { linkBugByRef } from '../../src/flows/link-bug.js';
import { CallbackIds, InputIds } from '../../views/ids.js';
import { formValues } from '../incident-modals.js';
import { agentActor, checkTicketForm } from '../modal-values.js';
import { afterAck, tellUser } from '../respond.js';
import { parseBugMetadata } from '../bug-forms.js';

const text = (what: string, max = BUG_TEXT_MAX) =>
  z.string().trim().min(1, `Say ${what}.`).max(max, `At most ${max} characters.`);
const fileSchema = z.object({
  tracker: z.enum(TRACKERS, { error: 'Choose a tracker.' }),
  title: text('what is wrong, in a line', BUG_TITLE_MAX),
  steps: text('how to reproduce it'),
  expected: text('what should happen'),
  actual: text('what happens instead'),
  environment: z.string().trim().max(BUG_TEXT_MAX),
  impact: z.string().trim().max(BUG_TEXT_MAX),
});
const blockOf = {
  tracker: InputIds.bugTracker.block,
  title: InputIds.bugTitle.block,
  steps: InputIds.bugSteps.block,
  expected: InputIds.bugExpected.block,
  actual: InputIds.bugActual.block,
  environment: InputIds.bugEnvironment.block,
  impact: InputIds.bugImpact.block,
};
const linkSchema = z.object({ issue: z.string().trim().min(1, 'Paste the issue URL or key.').max(300) });

/** The "File bug" and "Link to bug" forms: checked before Slack is answered, the tracker called after. */
export function register(app: App, ctx: AppContext): void {
  app.view<ViewSubmitAction>(CallbackIds.fileBugModal, async ({ ack, body, view }) => {
    const user = body.user.id;
    const v = formValues(view.state.values);
    const values = {
      tracker:
        v.selected(InputIds.bugTracker) ??
        (ctx.settings.bugs.trackers.length === 1 ? ctx.settings.bugs.trackers[0] : undefined),
      title: v.text(InputIds.bugTitle),
      steps: v.text(InputIds.bugSteps),
      expected: v.text(InputIds.bugExpected),
      actual: v.text(InputIds.bugActual),
      environment: v.text(InputIds.bugEnvironment),
      impact: v.text(InputIds.bugImpact),
    };
    const form = {
      block: InputIds.bugTitle.block,
      blockOf,
      button: 'File bug',
      what: 'bug report',
      schema: fileSchema,
      values,
      guard: (ticketId: string) => bugFormFor(ctx, ticketId),
    };
    const checked = await checkTicketForm(ctx, user, view.private_metadata, form);
    if (!checked.ok) return ack({ response_action: 'errors', errors: checked.errors });
    await ack();
    const { meta, data } = checked;
    const cardUrl = parseBugMetadata(view.private_metadata)?.cardUrl;
    await afterAck(ctx, { channel: meta.channel, user, what: 'file a bug' }, async () => {
      const { tracker, ...report } = data;
      await requestBugFiling(ctx, {
        ticketId: meta.ticketId,
        tracker,
        report: { ...report, ...(cardUrl ? { cardUrl } : {}) },
        actor: await agentActor(ctx, body.user),
        requestKey: view.id,
      });
    });
  });

  app.view<ViewSubmitAction>(CallbackIds.linkBugModal, async ({ ack, body, view }) => {
    const user = body.user.id;
    const values = { issue: formValues(view.state.values).text(InputIds.bugIssue) };
    const form = {
      block: InputIds.bugIssue.block,
      button: 'Link to bug',
      what: 'link',
      schema: linkSchema,
      values,
      guard: (ticketId: string) => bugFormFor(ctx, ticketId),
    };
    const checked = await checkTicketForm(ctx, user, view.private_metadata, form);
    if (!checked.ok) return ack({ response_action: 'errors', errors: checked.errors });
    await ack();
    const { meta, data } = checked;
    await afterAck(ctx, { channel: meta.channel, user, what: 'link to a bug' }, async () => {
      const result = await linkBugByRef(ctx, {
        ticketId: meta.ticketId,
        text: data.issue,
        actor: await agentActor(ctx, body.user),
        requestKey: view.id,
      });
      if (!result.changed)
        await tellUser(ctx.slack, meta.channel, user, `${result.ticketKey} was already linked to ${result.bugName}.`);
    });
  });
}
