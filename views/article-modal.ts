import type { KnownBlock, View } from '@slack/types';
import { ARTICLE_FIELD_MAX, ARTICLE_TITLE_MAX, type ArticleContent } from '../src/domain/knowledge.js';
import { CallbackIds, InputIds } from './ids.js';
import { formModal } from './modal.js';
import { mrkdwn, plain, safe } from './text.js';

export interface ArticleFormInput {
  content: ArticleContent;
  /** JSON (listeners/kb-ref.ts): the article being revised and its version, or the tickets it is written from. */
  privateMetadata: string;
  /** "From SUP-12: subject", or "KB-3, version 2". */
  context: string;
  editing: boolean;
}

function textInput(
  ids: { block: string; action: string },
  label: string,
  value: string,
  opts: { hint?: string; optional?: boolean; multiline?: boolean; max?: number } = {},
): KnownBlock {
  return {
    type: 'input',
    block_id: ids.block,
    label: plain(label, 2000),
    optional: opts.optional ?? false,
    ...(opts.hint ? { hint: plain(opts.hint, 2000) } : {}),
    element: {
      type: 'plain_text_input',
      action_id: ids.action,
      multiline: opts.multiline ?? true,
      max_length: opts.max ?? ARTICLE_FIELD_MAX,
      ...(value ? { initial_value: value.slice(0, opts.max ?? ARTICLE_FIELD_MAX) } : {}),
    },
  } as KnownBlock;
}

const VISIBILITY = {
  internal: { text: plain('Internal: the team only', 75), value: 'internal' },
  public: { text: plain('Public: on the help pages and in acknowledgements', 75), value: 'public' },
} as const;

/** The article form: prefilled from a ticket (or the current version), every field editable. Pure. */
export function articleModal(input: ArticleFormInput): View {
  const c = input.content;
  const blocks: KnownBlock[] = [
    { type: 'context', elements: [mrkdwn(safe(input.context, 2000))] },
    textInput(InputIds.articleTitle, 'Title', c.title, {
      multiline: false,
      max: ARTICLE_TITLE_MAX,
      hint: 'What a customer would search for.',
    }),
    textInput(InputIds.articleProblem, 'Problem, as the requester put it', c.problem, { optional: true }),
    textInput(InputIds.articleCause, 'Cause', c.cause, { optional: true }),
    textInput(InputIds.articleFix, 'Fix', c.fix),
    textInput(InputIds.articleVerify, 'How to verify', c.verify, { optional: true }),
    textInput(InputIds.articleNotes, 'Internal notes', c.internalNotes, {
      optional: true,
      hint: 'For the team only: never on the public page or in a mail.',
    }),
    {
      type: 'input',
      block_id: InputIds.articleVisibility.block,
      label: plain('Who can read it', 2000),
      hint: plain('Public articles must not name customers or quote their data.', 2000),
      element: {
        type: 'radio_buttons',
        action_id: InputIds.articleVisibility.action,
        options: [VISIBILITY.internal, VISIBILITY.public],
        initial_option: VISIBILITY[c.visibility],
      },
    } as KnownBlock,
  ];
  return {
    ...formModal({
      callbackId: CallbackIds.articleModal,
      privateMetadata: input.privateMetadata,
      title: input.editing ? 'Edit article' : 'Save as article',
      submit: 'Save article',
    }),
    blocks,
  };
}
