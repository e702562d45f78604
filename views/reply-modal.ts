import type { KnownBlock, View } from '@slack/types';
import { REPLY_TEMPLATE_KINDS, replyTemplateLabel, type ReplyTemplateKind } from '../src/domain/reply-templates.js';
import { ActionIds, CallbackIds, InputIds } from './ids.js';
import { LIMITS, mrkdwn, plain, safe, requesterText } from './text.js';
import { formModal } from './modal.js';

export interface ModalTicket {
  key: string;
  subject: string;
  requester?: { email?: string | null; name?: string | null } | null;
}

export interface ReplyModalInput {
  ticket: ModalTicket;
  /** JSON `{ ticketId, channel, ts }` (listeners/ticket-ref.ts). */
  privateMetadata: string;
  message?: string;
  template?: ReplyTemplateKind;
  waitOnCustomer?: boolean;
  /**
   * Slack keeps what the user typed in an input whose block_id is unchanged and ignores a new initial_value,
   * so filling in a template gives the inputs a fresh block_id.
   */
  revision?: string;
}

export const WAITING_OPTION = 'waiting_on_customer';
/** Slack's limit for a plain_text_input. */
export const MESSAGE_MAX_CHARS = 3000;

/** `base`, or `base.revision` when the modal was re-rendered; listeners find the input by its base id. */
export function revisedBlockId(base: string, revision?: string): string {
  return revision ? `${base}.${revision.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 60)}` : base;
}

/** The ticket a Reply or Resolve modal is about, and who the mail goes to. */
export function modalHeading(t: ModalTicket): string {
  const who = requesterText(t.requester);
  return `*${t.key}* · ${safe(t.subject, 300)}\n*To:* ${who}`;
}

function templateOption(kind: ReplyTemplateKind) {
  return { text: plain(replyTemplateLabel(kind), LIMITS.option), value: kind };
}

/** The Reply modal: a template to start from, the message, and whether to wait on the customer. Pure. */
export function replyModal(input: ReplyModalInput): View {
  const waitingOption = {
    text: plain('Waiting on the customer (pauses the SLA clock)', LIMITS.option),
    value: WAITING_OPTION,
  };
  const blocks: KnownBlock[] = [
    { type: 'section', text: mrkdwn(modalHeading(input.ticket)) },
    {
      type: 'input',
      block_id: InputIds.replyTemplate.block,
      optional: true,
      dispatch_action: true,
      label: plain('Start from a template', 2000),
      hint: plain('Choosing a template replaces the message below.', 2000),
      element: {
        type: 'static_select',
        action_id: ActionIds.replyTemplate,
        placeholder: plain('Choose a template', 150),
        options: REPLY_TEMPLATE_KINDS.map(templateOption),
        ...(input.template ? { initial_option: templateOption(input.template) } : {}),
      },
    },
    {
      type: 'input',
      block_id: revisedBlockId(InputIds.replyMessage.block, input.revision),
      label: plain('Message to the requester', 2000),
      hint: plain('Emailed in the ticket’s mail thread, signed with your name. Replace the [bracketed] parts.', 2000),
      element: {
        type: 'plain_text_input',
        action_id: InputIds.replyMessage.action,
        multiline: true,
        max_length: MESSAGE_MAX_CHARS,
        placeholder: plain('Write your reply…', 150),
        ...(input.message ? { initial_value: input.message.slice(0, MESSAGE_MAX_CHARS) } : {}),
      },
    },
    {
      type: 'input',
      block_id: revisedBlockId(InputIds.replyWaiting.block, input.revision),
      optional: true,
      label: plain('Status', 2000),
      element: {
        type: 'checkboxes',
        action_id: InputIds.replyWaiting.action,
        options: [waitingOption],
        ...(input.waitOnCustomer ? { initial_options: [waitingOption] } : {}),
      },
    },
  ];
  return {
    ...formModal({
      callbackId: CallbackIds.replyModal,
      privateMetadata: input.privateMetadata,
      title: `Reply to ${input.ticket.key}`,
      submit: 'Send reply',
    }),
    blocks,
  };
}
