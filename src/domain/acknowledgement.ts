import type { TicketDoc } from '../db/models/ticket.js';
import type { DomainDeps } from './deps.js';
import {
  greeting,
  MAIL_SUBJECT_MAX,
  oneLine,
  queueMail,
  threadHeaders,
  ticketSubject,
  type QueuedMail,
} from './outbox.js';
import { describeTargets } from './sla-policy.js';
import { PRIORITY_LABELS, type Priority } from './types.js';
import { selfHelpLinks, type SelfHelpLink } from './self-help-links.js';

export function acknowledgementText(
  ticket: TicketDoc,
  deps: Pick<DomainDeps, 'policy' | 'settings'>,
  articles: SelfHelpLink[] = [],
): string {
  const priority = (ticket.priority ?? ticket.suggestedPriority ?? 'P3') as Priority;
  const targets = describeTargets(deps.policy, priority, ticket.sla?.team);
  const lines = [
    greeting(ticket),
    '',
    `Thank you for contacting us. We have received your request and opened ticket ${ticket.key}: "${oneLine(ticket.subject, MAIL_SUBJECT_MAX)}".`,
    '',
    'What happens next:',
    `- A member of the support team reviews your request, confirms its priority and replies to you.`,
    `- For ${PRIORITY_LABELS[priority]} requests we aim to send a first response within ${targets.firstResponse}.`,
    `- To add details or attachments, reply to this email and keep [${ticket.key}] in the subject.`,
  ];
  if (articles.length) {
    lines.push('', 'These help articles may answer your question right away:');
    lines.push(...articles.map((a) => `- ${oneLine(a.title, MAIL_SUBJECT_MAX)}: ${a.url}`));
    lines.push('If one of them solves it, you can tell us on its page and we will close the ticket.');
  }
  if (deps.settings.selfHelpUrl)
    lines.push('', `Many questions are answered in our help centre: ${deps.settings.selfHelpUrl}`);
  lines.push('', '— The support team', '', 'This is an automatic acknowledgement.');
  return lines.join('\n');
}

/** The outbox id (and so the Message-ID) of a ticket's acknowledgement, known before the ticket is stored. */
export function acknowledgementId(ticket: Pick<TicketDoc, 'key' | 'id'>): string {
  return `ack.${ticket.key}.${ticket.id}`;
}

/** The auto-acknowledgement as an outbox mail (its id, and so its Message-ID, is the ticket's). */
export async function acknowledgementMail(deps: DomainDeps, ticket: TicketDoc): Promise<QueuedMail> {
  const articles = await selfHelpLinks(deps, ticket);
  return {
    id: acknowledgementId(ticket),
    kind: 'acknowledgement',
    to: ticket.requester?.email ?? '',
    subject: ticketSubject(ticket),
    text: acknowledgementText(ticket, deps, articles),
    ...threadHeaders(ticket),
    headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
  };
}

/** Queues the auto-acknowledgement (once per ticket: the outbox id is the ticket's). */
export async function queueAcknowledgement(deps: DomainDeps, ticket: TicketDoc, opts: { sendNow?: boolean } = {}) {
  return queueMail(deps, ticket, await acknowledgementMail(deps, ticket), opts);
}
