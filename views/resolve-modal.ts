import type { KnownBlock, View } from '@slack/types';
import { CallbackIds, InputIds } from './ids.js';
import { mrkdwn, plain } from './text.js';
import { formModal } from './modal.js';
import { MESSAGE_MAX_CHARS, modalHeading, type ModalTicket } from './reply-modal.js';

/** The value of the Resolve form's "Save as article next" box. */
export const SAVE_ARTICLE = 'save';

/** The Resolve modal: what was done and how to verify it, both emailed to the requester. Pure. */
export function resolveModal(input: { ticket: ModalTicket; privateMetadata: string; autoCloseDays: number }): View {
  const days = input.autoCloseDays === 1 ? '1 day' : `${input.autoCloseDays} days`;
  const blocks: KnownBlock[] = [
    { type: 'section', text: mrkdwn(modalHeading(input.ticket)) },
    {
      type: 'input',
      block_id: InputIds.resolveSummary.block,
      label: plain('What was done', 2000),
      hint: plain('In words the requester understands: the cause, and what was fixed or changed.', 2000),
      element: {
        type: 'plain_text_input',
        action_id: InputIds.resolveSummary.action,
        multiline: true,
        max_length: MESSAGE_MAX_CHARS,
        placeholder: plain('We found that… and fixed it by…', 150),
      },
    },
    {
      type: 'input',
      block_id: InputIds.resolveVerify.block,
      label: plain('How the requester can verify it', 2000),
      element: {
        type: 'plain_text_input',
        action_id: InputIds.resolveVerify.action,
        multiline: true,
        max_length: MESSAGE_MAX_CHARS,
        placeholder: plain('Open … and check that …', 150),
      },
    },
    {
      type: 'input',
      block_id: InputIds.resolveSaveArticle.block,
      optional: true,
      label: plain('Knowledge base', 2000),
      element: {
        type: 'checkboxes',
        action_id: InputIds.resolveSaveArticle.action,
        options: [{ text: plain('Save as article next (a form prefilled from this ticket)', 75), value: SAVE_ARTICLE }],
      },
    } as KnownBlock,
    {
      type: 'context',
      elements: [
        mrkdwn(
          `The requester is emailed both, asked to confirm, and sent a one-question satisfaction survey (1–5). Without a reply the ticket closes by itself after ${days}.`,
        ),
      ],
    },
  ];
  return {
    ...formModal({
      callbackId: CallbackIds.resolveModal,
      privateMetadata: input.privateMetadata,
      title: `Resolve ${input.ticket.key}`,
      submit: 'Resolve and email',
    }),
    blocks,
  };
}
