import { greeting, MAIL_SUBJECT_MAX, oneLine } from './outbox.js';

/**
 * Starting points for a reply to the requester (PRODUCT.md, "Communication with the requester"). The agent
 * edits the text before sending; the signature is added when the mail is composed (`composeAgentMail`,
 * src/domain/agent-mail.ts).
 */
export const REPLY_TEMPLATE_KINDS = [
  'acknowledgement',
  'more_information',
  'cannot_reproduce',
  'bug_confirmed',
  'feature_request',
  'how_to',
] as const;
export type ReplyTemplateKind = (typeof REPLY_TEMPLATE_KINDS)[number];

export interface TemplateTicket {
  key: string;
  subject: string;
  requester?: { name?: string | null; email?: string | null } | null;
}

interface Template {
  label: string;
  /** Templates that ask the requester for something suggest pausing the SLA clock. */
  waitsOnCustomer: boolean;
  body: (t: { key: string; subject: string }) => string[];
}

const TEMPLATES: Record<ReplyTemplateKind, Template> = {
  acknowledgement: {
    label: 'Acknowledgement',
    waitsOnCustomer: false,
    body: ({ key, subject }) => [
      `Thank you for reporting "${subject}". I have picked up ticket ${key} and I am looking into it now.`,
      '',
      'What I am checking first: [what you are investigating].',
      'You can expect the next update from me by [time]. In the meantime, [workaround, if there is one].',
      '',
      'If you have anything to add (screenshots, the time it happened, the account affected), just reply to this email.',
    ],
  },
  more_information: {
    label: 'More information needed',
    waitsOnCustomer: true,
    body: ({ key }) => [
      `To get to the bottom of ${key} I need a few more details from you:`,
      '',
      '1. The exact steps you took, and what you expected to happen instead.',
      '2. When it last happened (date, time and time zone).',
      '3. Any error message you saw, word for word, or a screenshot.',
      '4. The browser or app version, and your operating system.',
      '',
      'As soon as I have these I will continue. The ticket is paused until we hear from you.',
    ],
  },
  cannot_reproduce: {
    label: 'Cannot reproduce',
    waitsOnCustomer: true,
    body: ({ key }) => [
      `I have tried to reproduce the problem described in ${key}, but so far everything works as expected on our side.`,
      '',
      'What I tried: [steps and environment].',
      '',
      'Could you help me narrow it down? It would help to know whether it still happens for you, which account or workspace is affected, and the exact time of the last occurrence. A screen recording, if you can make one, is often the quickest way.',
      '',
      'I will keep the ticket open and pick it up again as soon as you reply.',
    ],
  },
  bug_confirmed: {
    label: 'Bug confirmed',
    waitsOnCustomer: false,
    body: ({ key }) => [
      `Thank you for your patience. We have reproduced the problem you reported in ${key} and confirmed that it is a bug on our side.`,
      '',
      'Our engineering team is working on a fix. Until it is released you can work around it by [workaround].',
      '',
      'I will let you know as soon as the fix is live, and update you by [time] at the latest even if it is not ready yet.',
    ],
  },
  feature_request: {
    label: 'Feature request received',
    waitsOnCustomer: false,
    body: ({ subject }) => [
      `Thank you for the suggestion ("${subject}"). I have passed it on to our product team together with your description of how you would use it.`,
      '',
      'We cannot promise whether or when it will be built, but requests like yours are exactly what the team uses to decide what comes next, and it helps to know how many customers ask for the same thing.',
      '',
      'If you would like to add more about your use case, just reply to this email.',
    ],
  },
  how_to: {
    label: 'How-to answer',
    waitsOnCustomer: false,
    body: () => [
      'Here is how to do it:',
      '',
      '1. [First step]',
      '2. [Second step]',
      '3. [Third step]',
      '',
      'More detail is in this help-centre article: [link].',
      '',
      'Let me know if anything is unclear or does not work as described.',
    ],
  },
};

export function replyTemplateLabel(kind: ReplyTemplateKind): string {
  return TEMPLATES[kind].label;
}

export function templateWaitsOnCustomer(kind: ReplyTemplateKind): boolean {
  return TEMPLATES[kind].waitsOnCustomer;
}

export function isReplyTemplateKind(value: unknown): value is ReplyTemplateKind {
  return typeof value === 'string' && (REPLY_TEMPLATE_KINDS as readonly string[]).includes(value);
}

/** The template filled in for this ticket: greeting, body, closing. Placeholders in [brackets] are for the agent. */
export function fillReplyTemplate(kind: ReplyTemplateKind, ticket: TemplateTicket): string {
  const subject = oneLine(ticket.subject, MAIL_SUBJECT_MAX);
  return [greeting(ticket), '', ...TEMPLATES[kind].body({ key: ticket.key, subject }), '', 'Best regards,'].join('\n');
}
