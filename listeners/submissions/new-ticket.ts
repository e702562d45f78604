import type { App } from '@slack/bolt';
import { z } from 'zod';
import type { AppContext } from '../../src/context.js';
import { createTicket, waitForCard, type CreateResult } from '../../src/domain/tickets.js';
import { CATEGORIES, PRIORITIES } from '../../src/domain/types.js';
import { permalinkOf } from '../../src/slack/permalink.js';
import { CallbackIds, InputIds } from '../../views/ids.js';
import {
  ACKNOWLEDGE_VALUE,
  DESCRIPTION_MAX,
  SUBJECT_MAX,
  ticketCreatedText,
  type NewTicketMetadata,
} from '../../views/new-ticket-modal.js';
import { notInTeamText } from '../../views/team-gate.js';
import { safe } from '../../views/text.js';
import { modalErrors } from '../modal-values.js';
import { afterAck, tellUser, userMessage } from '../respond.js';

const slackChannel = z.string().regex(/^[CGD][A-Z0-9]+$/);
const metadataSchema = z.object({
  channel: slackChannel.optional(),
  source: z
    .object({
      channel: slackChannel,
      ts: z.string().regex(/^\d+\.\d+$/),
      author: z.string().optional(),
      permalink: z.url().optional(),
    })
    .optional(),
  requester: z.object({ email: z.string(), name: z.string().max(200).optional() }).optional(),
});

const submissionSchema = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email('Enter the requester’s email address, such as ada@example.com.')),
  subject: z
    .string()
    .trim()
    .min(1, 'Enter a subject.')
    .max(SUBJECT_MAX, `Keep the subject to ${SUBJECT_MAX} characters.`),
  body: z.string().max(DESCRIPTION_MAX, `Keep the description to ${DESCRIPTION_MAX} characters.`),
  category: z.enum(CATEGORIES, 'Choose one of the listed categories.').optional(),
  priority: z.enum(PRIORITIES, 'Choose one of the listed priorities.').optional(),
  acknowledge: z.boolean(),
});
type Submission = z.infer<typeof submissionSchema>;

const BLOCK_OF: Record<keyof Submission, string> = {
  email: InputIds.newEmail.block,
  subject: InputIds.newSubject.block,
  body: InputIds.newBody.block,
  category: InputIds.newCategory.block,
  priority: InputIds.newPriority.block,
  acknowledge: InputIds.newAcknowledge.block,
};

type StateValue = {
  value?: string | null;
  selected_option?: { value?: string } | null;
  selected_options?: Array<{ value?: string }>;
};
type StateValues = Record<string, Record<string, StateValue>>;

/** Reads the form; errors are keyed by block_id, as `response_action: 'errors'` wants them. */
export function parseNewTicket(
  values: StateValues,
): { ok: true; data: Submission } | { ok: false; errors: Record<string, string> } {
  const field = (ids: { block: string; action: string }) => values[ids.block]?.[ids.action];
  const raw = {
    email: field(InputIds.newEmail)?.value ?? '',
    subject: field(InputIds.newSubject)?.value ?? '',
    body: field(InputIds.newBody)?.value ?? '',
    category: field(InputIds.newCategory)?.selected_option?.value ?? undefined,
    priority: field(InputIds.newPriority)?.selected_option?.value ?? undefined,
    acknowledge: (field(InputIds.newAcknowledge)?.selected_options ?? []).some((o) => o.value === ACKNOWLEDGE_VALUE),
  };
  const parsed = submissionSchema.safeParse(raw);
  if (parsed.success) return { ok: true, data: parsed.data };
  return { ok: false, errors: modalErrors(parsed.error, BLOCK_OF) };
}

function parseMetadata(raw: string | undefined): NewTicketMetadata {
  try {
    const parsed = metadataSchema.safeParse(JSON.parse(raw ?? '{}'));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

function enteredText(input: Submission): string {
  const body = input.body.trim() ? `\n>${safe(input.body, 2500).replace(/\n/g, '\n>')}` : '';
  return `What you entered, so it is not lost: *${safe(input.subject, 250)}* (${safe(input.email, 200)})${body}`;
}

export function register(app: App, ctx: AppContext): void {
  app.view(CallbackIds.newTicketModal, async ({ ack, body, view }) => {
    const form = parseNewTicket(view.state.values as StateValues);
    if (!form.ok) {
      await ack({ response_action: 'errors', errors: form.errors });
      return;
    }
    await ack();
    const input = form.data;
    const user = body.user.id;
    const meta = parseMetadata(view.private_metadata);
    await afterAck(ctx, { channel: meta.channel, user, what: 'create ticket' }, async () => {
      if (!(await ctx.team.mayAct(user))) {
        await tellUser(ctx.slack, meta.channel, user, notInTeamText(ctx.team.usergroup));
        return;
      }
      // The author's name belongs to the author's email: if the agent typed another address, it is not theirs.
      const name =
        meta.requester && meta.requester.email.toLowerCase() === input.email ? meta.requester.name : undefined;
      let result: CreateResult;
      try {
        result = await createTicket(ctx, {
          source: 'slack',
          requester: { email: input.email, name },
          subject: input.subject,
          body: input.body.trim(),
          category: input.category,
          priority: input.priority,
          metadata: meta.source?.permalink ? { 'Slack message': meta.source.permalink } : undefined,
          openedBy: { type: 'user', id: user },
          // The view id is the same for a double-clicked or retried submission: one ticket.
          idempotencyKeys: [`slack:view:${view.id}`],
          acknowledge: input.acknowledge,
          ...(input.priority === 'P0'
            ? { declareIncident: { actor: { type: 'user', id: user }, via: 'priority' } }
            : {}),
        });
      } catch (err) {
        ctx.logger.error({ err, user }, 'could not create a ticket from Slack');
        await tellUser(ctx.slack, meta.channel, user, `:warning: ${userMessage(err)}\n${enteredText(input)}`);
        return;
      }
      const card = await waitForCard(ctx, result.ticket.id);
      const permalink = card ? await permalinkOf(ctx, card) : undefined;
      const text = ticketCreatedText(result.ticket, {
        created: result.created,
        acknowledged: input.acknowledge,
        permalink,
        channel: ctx.config.SUPPORT_CHANNEL_ID,
      });
      await tellUser(ctx.slack, meta.channel, user, text);
    });
  });
}
