import type { App, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import type { AppContext } from '../../src/context.js';
import { linkStormToNewIncident, requestStormAction } from '../../src/domain/storm-actions.js';
import { CallbackIds, InputIds } from '../../views/ids.js';
import { NEW_INCIDENT } from '../../views/storm-card.js';
import { notInTeamText } from '../../views/team-gate.js';
import { afterAck, tellUser } from '../respond.js';
import { parseStormMetadata } from '../storm-ref.js';
import { agentActor } from '../modal-values.js';

const replySchema = z.object({
  message: z
    .string()
    .trim()
    .min(1, 'Write a message to the requesters.')
    .max(3000, 'Keep the message under 3000 characters.'),
  waitOnCustomer: z.boolean(),
});
const linkSchema = z
  .object({
    incident: z.union([z.literal(NEW_INCIDENT), z.string().regex(/^[a-f0-9]{24}$/)], { error: 'Choose an incident.' }),
    title: z.string().trim().max(150),
  })
  .refine((v) => v.incident !== NEW_INCIDENT || v.title.length > 0, {
    message: 'Give the new incident a title.',
    path: ['title'],
  });

/** The storm card's two forms: Reply to all, Link all to incident. Each decision is recorded once per form (its view id) and applied by a job. */
export function register(app: App, ctx: AppContext): void {
  const mayAct = async (user: string) => {
    try {
      return (await ctx.team.mayAct(user)) ? undefined : notInTeamText(ctx.team.usergroup);
    } catch (err) {
      ctx.logger.error({ err, user }, 'could not check the support team for a storm form');
      return 'Could not check this right now; nothing was changed. Please submit again in a moment.';
    }
  };

  app.view<ViewSubmitAction>(CallbackIds.stormReplyModal, async ({ ack, body, view }) => {
    const values = view.state.values;
    const block = InputIds.stormReplyMessage.block;
    const refuse = (message: string) => ack({ response_action: 'errors', errors: { [block]: message } });
    const meta = parseStormMetadata(view.private_metadata);
    if (!meta) return refuse('This form is out of date. Close it and press Reply to all on the storm card again.');
    const waiting =
      values[InputIds.stormReplyWaiting.block]?.[InputIds.stormReplyWaiting.action]?.selected_options ?? [];
    const parsed = replySchema.safeParse({
      message: values[block]?.[InputIds.stormReplyMessage.action]?.value ?? '',
      waitOnCustomer: waiting.some((o) => o.value === 'waiting'),
    });
    if (!parsed.success) return refuse(parsed.error.issues[0]?.message ?? 'Check the message.');
    const refusal = await mayAct(body.user.id);
    if (refusal) return refuse(refusal);
    await ack();
    await afterAck(ctx, { channel: meta.channel, user: body.user.id, what: 'reply to all' }, async () => {
      const { recorded } = await requestStormAction(ctx, {
        stormId: meta.stormId,
        kind: 'reply',
        actor: await agentActor(ctx, body.user),
        requestKey: view.id,
        ...parsed.data,
      });
      if (recorded)
        await tellUser(
          ctx.slack,
          meta.channel,
          body.user.id,
          ':email: Sending your reply to every requester of the storm; the storm card says when all are out.',
        );
    });
  });

  app.view<ViewSubmitAction>(CallbackIds.stormLinkModal, async ({ ack, body, view }) => {
    const values = view.state.values;
    const refuse = (message: string, block: string = InputIds.stormLinkIncident.block) =>
      ack({ response_action: 'errors', errors: { [block]: message } });
    const meta = parseStormMetadata(view.private_metadata);
    if (!meta) return refuse('This form is out of date. Close it and press Link all to incident again.');
    const parsed = linkSchema.safeParse({
      incident: values[InputIds.stormLinkIncident.block]?.[InputIds.stormLinkIncident.action]?.selected_option?.value,
      title: values[InputIds.stormLinkTitle.block]?.[InputIds.stormLinkTitle.action]?.value ?? '',
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return refuse(
        issue.message,
        issue.path[0] === 'title' ? InputIds.stormLinkTitle.block : InputIds.stormLinkIncident.block,
      );
    }
    const refusal = await mayAct(body.user.id);
    if (refusal) return refuse(refusal);
    await ack();
    await afterAck(ctx, { channel: meta.channel, user: body.user.id, what: 'link all to incident' }, async () => {
      const actor = await agentActor(ctx, body.user);
      if (parsed.data.incident === NEW_INCIDENT) {
        const { incidentKey } = await linkStormToNewIncident(ctx, {
          stormId: meta.stormId,
          title: parsed.data.title,
          actor,
          requesterEmail: ctx.config.SUPPORT_EMAIL_ADDRESS,
          requestKey: view.id,
        });
        await tellUser(
          ctx.slack,
          meta.channel,
          body.user.id,
          `:rotating_light: Declared ${incidentKey} and linking every ticket of the storm to it.`,
        );
      } else {
        await requestStormAction(ctx, {
          stormId: meta.stormId,
          kind: 'link',
          incidentId: parsed.data.incident,
          actor,
          requestKey: view.id,
        });
      }
    });
  });
}
