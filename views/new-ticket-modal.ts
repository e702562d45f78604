import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import {
  CATEGORIES,
  CATEGORY_LABELS,
  PRIORITIES,
  PRIORITY_LABELS,
  type Category,
  type Priority,
} from '../src/domain/types.js';
import { CallbackIds, InputIds } from './ids.js';
import { LIMITS, mrkdwn, plain, safe, truncate, userMention } from './text.js';

export const SUBJECT_MAX = 250;
/** Slack's own ceiling for a plain_text_input. */
export const DESCRIPTION_MAX = 3000;
export const ACKNOWLEDGE_VALUE = 'acknowledge';

/** What the modal carries to its submission in `private_metadata`. */
export interface NewTicketMetadata {
  /** Where the user started (command channel or the message's channel), to answer there. */
  channel?: string;
  /** The message a shortcut was used on. */
  source?: { channel: string; ts: string; author?: string; permalink?: string };
  /** The message author's profile, offered as requester; the name is used only if the email is kept. */
  requester?: { email: string; name?: string };
}

export interface NewTicketPrefill {
  email?: string;
  subject?: string;
  description?: string;
}

function option(text: string, value: string): PlainTextOption {
  return { text: plain(text, LIMITS.option), value };
}

/**
 * "New ticket": opened by `/support` (empty) and by the message shortcut (filled from the message).
 * The acknowledgement checkbox defaults on: the requester hears from us the same way as if they had
 * emailed, and replies to that mail join the ticket. Untick it for reports the requester should not be
 * mailed about yet (an internal heads-up, a customer an account manager is already talking to).
 */
export function newTicketModal(prefill: NewTicketPrefill, metadata: NewTicketMetadata): ModalView {
  const blocks: KnownBlock[] = [];
  if (metadata.source) {
    const link = metadata.source.permalink ? `<${metadata.source.permalink}|a message>` : 'a message';
    const by = metadata.source.author ? ` by ${userMention(metadata.source.author)}` : '';
    blocks.push({
      type: 'context',
      elements: [mrkdwn(`From ${link}${by} in <#${metadata.source.channel}>. The link is kept on the ticket.`)],
    });
  }
  blocks.push(
    {
      type: 'input',
      block_id: InputIds.newEmail.block,
      label: plain('Requester email', LIMITS.option),
      element: {
        type: 'email_text_input',
        action_id: InputIds.newEmail.action,
        placeholder: plain('ada@example.com', LIMITS.option),
        ...(prefill.email ? { initial_value: prefill.email } : {}),
      },
    },
    {
      type: 'input',
      block_id: InputIds.newSubject.block,
      label: plain('Subject', LIMITS.option),
      element: {
        type: 'plain_text_input',
        action_id: InputIds.newSubject.action,
        max_length: SUBJECT_MAX,
        placeholder: plain('What is wrong, in a few words', LIMITS.option),
        ...(prefill.subject ? { initial_value: truncate(prefill.subject, SUBJECT_MAX) } : {}),
      },
    },
    {
      type: 'input',
      block_id: InputIds.newBody.block,
      optional: true,
      label: plain('Description', LIMITS.option),
      element: {
        type: 'plain_text_input',
        action_id: InputIds.newBody.action,
        multiline: true,
        max_length: DESCRIPTION_MAX,
        placeholder: plain('What happened, who is affected, what was tried', LIMITS.option),
        ...(prefill.description ? { initial_value: truncate(prefill.description, DESCRIPTION_MAX) } : {}),
      },
    },
    {
      type: 'input',
      block_id: InputIds.newCategory.block,
      optional: true,
      label: plain('Category', LIMITS.option),
      element: {
        type: 'static_select',
        action_id: InputIds.newCategory.action,
        placeholder: plain('Choose a category', LIMITS.option),
        options: CATEGORIES.map((c: Category) => option(CATEGORY_LABELS[c], c)),
      },
    },
    {
      type: 'input',
      block_id: InputIds.newPriority.block,
      optional: true,
      label: plain('Priority', LIMITS.option),
      hint: plain('Leave empty and Deskbell suggests one from the text.', 150),
      element: {
        type: 'static_select',
        action_id: InputIds.newPriority.action,
        placeholder: plain('Choose a priority', LIMITS.option),
        options: PRIORITIES.map((p: Priority) => option(PRIORITY_LABELS[p], p)),
      },
    },
    {
      type: 'input',
      block_id: InputIds.newAcknowledge.block,
      optional: true,
      label: plain('Requester', LIMITS.option),
      element: {
        type: 'checkboxes',
        action_id: InputIds.newAcknowledge.action,
        options: [acknowledgeOption],
        initial_options: [acknowledgeOption],
      },
    },
  );
  return {
    type: 'modal',
    callback_id: CallbackIds.newTicketModal,
    title: plain('New ticket', LIMITS.modalTitle),
    submit: plain('Create ticket', LIMITS.button),
    close: plain('Cancel', LIMITS.button),
    private_metadata: encodeMetadata(metadata),
    blocks,
  };
}

const acknowledgeOption = {
  text: plain('Email the requester an acknowledgement', LIMITS.option),
  description: plain('Ticket number, response target, and how to add details by replying.', LIMITS.option),
  value: ACKNOWLEDGE_VALUE,
};

/** Fits the metadata in Slack's 3000 characters: the permalink and the name are the parts that may go. */
function encodeMetadata(metadata: NewTicketMetadata): string {
  let json = JSON.stringify(metadata);
  if (json.length > LIMITS.metadata && metadata.source)
    json = JSON.stringify({ ...metadata, source: { ...metadata.source, permalink: undefined } });
  if (json.length > LIMITS.metadata) json = JSON.stringify({ channel: metadata.channel });
  return json;
}

/**
 * A Slack message's text as a person would type it: `<@U1>` → `@U1`, `<url|label>` → `label (url)`,
 * `<#C1|name>` → `#name`, entities decoded. The description is plain text; the card escapes it again.
 */
export function messageToPlainText(text: string): string {
  return text
    .replace(/<([@#!])([^>|]+)(?:\|([^>]*))?>/g, (_m, sigil: string, id: string, label?: string) =>
      sigil === '!' ? label || `@${id.split('^')[0]}` : `${sigil}${label || id}`,
    )
    .replace(/<([^>|]+)\|([^>]+)>/g, (_m, url: string, label: string) =>
      url === label || url === `mailto:${label}` ? label : `${label} (${url})`,
    )
    .replace(/<([^>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Subject: the message's first non-empty line, cut to a readable length. */
export function subjectFromText(text: string): string {
  const first =
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l.length > 0) ?? '';
  return truncate(first, 120);
}

/** The confirmation told to whoever opened the ticket. */
export function ticketCreatedText(
  t: { key: string; subject: string },
  opts: { created: boolean; acknowledged: boolean; permalink?: string; channel: string },
): string {
  const head = opts.created
    ? `:white_check_mark: Opened *${t.key}* · ${safe(t.subject, 250)}`
    : `*${t.key}* · ${safe(t.subject, 250)} was already opened from this form.`;
  const card = opts.permalink
    ? `<${opts.permalink}|Open its card>`
    : `Its card will appear in <#${opts.channel}> in a moment.`;
  const mail = opts.created
    ? opts.acknowledged
      ? ' The requester is emailed an acknowledgement.'
      : ' The requester was not emailed.'
    : '';
  return `${head}\n${card}${mail}`;
}
