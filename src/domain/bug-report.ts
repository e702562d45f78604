import type { TicketFields } from '../db/models/ticket.js';

/** What the "File bug" form asks for (PRODUCT.md: a confirmed bug documented with all of it). */
export interface BugReport {
  title: string;
  steps: string;
  expected: string;
  actual: string;
  environment: string;
  impact: string;
  /** The card, for whoever picks the issue up. */
  cardUrl?: string;
}

export const BUG_TEXT_MAX = 3000;
export const BUG_TITLE_MAX = 200;

const EMAIL = /[^\s<>()[\]"',;:]+@[^\s<>()[\]"',;:]+\.[A-Za-z]{2,}/g;

/**
 * Text bound for a tracker with every email address taken out: issues are read by more people than the
 * support team (a public repository by anyone), and a requester's address is theirs to give.
 */
export function withoutAddresses(text: string): string {
  return text.replace(EMAIL, '[address removed]');
}

/** The report as titled sections, addresses removed: each tracker renders them its own way (Markdown, ADF). */
export function reportSections(report: BugReport, ticketKey: string): Array<{ heading: string; text: string }> {
  const section = (heading: string, text: string) => ({
    heading,
    text: withoutAddresses(text.trim()) || '(not given)',
  });
  return [
    section('Steps to reproduce', report.steps),
    section('Expected result', report.expected),
    section('Actual result', report.actual),
    section('Environment', report.environment),
    section('User impact', report.impact),
    section('Support', `Reported in support ticket ${ticketKey}${report.cardUrl ? ` (card: ${report.cardUrl})` : ''}.`),
  ];
}

/** The form's starting values, from the ticket: the agent edits them before filing. */
export function prefillReport(
  ticket: Pick<TicketFields, 'key' | 'subject' | 'body' | 'source' | 'metadata'>,
  impact: { tickets: number; requesters: number },
  cardUrl?: string,
): BugReport {
  const meta =
    ticket.metadata && typeof ticket.metadata === 'object'
      ? Object.entries(ticket.metadata as Record<string, unknown>)
      : [];
  const environment = [
    `Reported via ${ticket.source}`,
    ...meta.slice(0, 10).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`),
  ].join('\n');
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return {
    title: withoutAddresses(ticket.subject).slice(0, BUG_TITLE_MAX),
    steps: withoutAddresses(ticket.body ?? '')
      .trim()
      .slice(0, BUG_TEXT_MAX - 100),
    expected: '',
    actual: '',
    environment: withoutAddresses(environment).slice(0, BUG_TEXT_MAX),
    impact:
      `${plural(impact.tickets, 'support ticket')} from ${plural(impact.requesters, 'requester')}` +
      ` so far (${ticket.key}).`,
    ...(cardUrl ? { cardUrl } : {}),
  };
}

/** The comment a linked ticket adds to its issue: the count only, never who. */
export function linkedCommentText(ticketKey: string, impact: { tickets: number; requesters: number }): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const counts = `${plural(impact.tickets, 'ticket')} from ${plural(impact.requesters, 'requester')}`;
  return `Another support ticket reports this: ${ticketKey}. Now ${counts} are linked to this issue.`;
}
