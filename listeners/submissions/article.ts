import type { App, ViewStateValue, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import type { AppContext } from '../../src/context.js';
import {
  ARTICLE_FIELD_MAX,
  ARTICLE_TITLE_MAX,
  ARTICLE_VISIBILITIES,
  articleById,
  articleKey,
  createArticle,
  reviseArticle,
} from '../../src/domain/knowledge.js';
import { CallbackIds, InputIds } from '../../views/ids.js';
import { afterAck, tellUser } from '../respond.js';
import { agentActor, checkForm } from '../modal-values.js';
import { parseArticleMetadata } from '../kb-ref.js';

const field = z.string().trim().max(ARTICLE_FIELD_MAX, `Keep it under ${ARTICLE_FIELD_MAX} characters.`);
const articleSchema = z.object({
  title: z
    .string()
    .trim()
    .min(1, 'Give the article a title.')
    .max(ARTICLE_TITLE_MAX, `Keep the title under ${ARTICLE_TITLE_MAX} characters.`),
  problem: field,
  cause: field,
  fix: field.min(1, 'Say what fixes it.'),
  verify: field,
  internalNotes: field,
  visibility: z.enum(ARTICLE_VISIBILITIES, 'Choose who can read it.'),
});

const BLOCK_OF = {
  title: InputIds.articleTitle.block,
  problem: InputIds.articleProblem.block,
  cause: InputIds.articleCause.block,
  fix: InputIds.articleFix.block,
  verify: InputIds.articleVerify.block,
  internalNotes: InputIds.articleNotes.block,
  visibility: InputIds.articleVisibility.block,
} as const;

function readForm(values: Record<string, Record<string, ViewStateValue>>) {
  const text = (ids: { block: string; action: string }) => values[ids.block]?.[ids.action]?.value ?? '';
  return {
    title: text(InputIds.articleTitle),
    problem: text(InputIds.articleProblem),
    cause: text(InputIds.articleCause),
    fix: text(InputIds.articleFix),
    verify: text(InputIds.articleVerify),
    internalNotes: text(InputIds.articleNotes),
    visibility: values[InputIds.articleVisibility.block]?.[InputIds.articleVisibility.action]?.selected_option?.value,
  };
}

/** The article form: a new article (from a ticket or a recurring subject), or a new version of one. */
export function register(app: App, ctx: AppContext): void {
  app.view<ViewSubmitAction>(CallbackIds.articleModal, async ({ ack, body, view }) => {
    const user = body.user.id;
    const checked = await checkForm(ctx, user, parseArticleMetadata(view.private_metadata), {
      block: BLOCK_OF.title,
      blockOf: BLOCK_OF,
      button: 'Save as article',
      where: 'on the card',
      what: 'article',
      schema: articleSchema,
      values: readForm(view.state.values),
      guard: async (meta) => (meta.articleId ? articleById(ctx, meta.articleId) : undefined),
    });
    if (!checked.ok) return ack({ response_action: 'errors', errors: checked.errors });
    const { meta, data: content } = checked;
    await ack();
    await afterAck(ctx, { channel: meta.channel, user, what: 'save an article' }, async () => {
      const actor = await agentActor(ctx, body.user);
      const saved = meta.articleId
        ? (
            await reviseArticle(ctx, {
              articleId: meta.articleId,
              baseVersion: meta.baseVersion ?? 1,
              requestKey: view.id,
              actor,
              content,
            })
          ).article
        : (await createArticle(ctx, { requestKey: view.id, actor, content, sourceTicketIds: meta.ticketIds ?? [] }))
            .article;
      const who = saved.visibility === 'public' ? 'public' : 'internal';
      await tellUser(
        ctx.slack,
        meta.channel,
        user,
        `:books: Saved *${articleKey(saved)}* (${who}, version ${saved.version}). \`/support kb\` finds it.`,
      );
    });
  });
}
