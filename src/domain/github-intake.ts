import type { NewTicket } from './tickets.js';
import type { TimelineEvent } from '../db/models/ticket.js';

/** A GitHub issue that becomes a ticket (GITHUB_INTAKE_LABEL): who opened it and what it says. */
export interface IntakeIssue {
  repository: string;
  number: number;
  title: string;
  body: string;
  url: string;
  user: { id: number; login: string };
}

/** The ticket's requester address: GitHub's no-reply form, never mailed (answers go to the issue). */
export function githubAddress(user: { id: number; login: string }): string {
  return `${user.id}+${user.login}@users.noreply.github.com`.toLowerCase();
}

/** `github:owner/name#12`: the ticket's externalId and request key, which webhook deliveries find it by. */
export function issueTicketKey(repository: string, number: number): string {
  return `github:${repository.toLowerCase()}#${number}`;
}

/** The issue a GitHub ticket came from, as a tracker ref (`owner/name#12`), from its externalId. */
export function issueRefOfTicket(ticket: { source?: string | null; externalId?: string | null }): string | undefined {
  if (ticket.source !== 'github' || !ticket.externalId?.startsWith('github:')) return undefined;
  return ticket.externalId.slice('github:'.length);
}

/** A labelled issue as a new ticket: its author is the requester, vouched for by GitHub's signature. */
export function issueToTicket(issue: IntakeIssue): NewTicket {
  const key = issueTicketKey(issue.repository, issue.number);
  return {
    source: 'github',
    requester: { email: githubAddress(issue.user), name: issue.user.login },
    subject: issue.title.slice(0, 250) || `GitHub issue #${issue.number}`,
    body: issue.body.slice(0, 100_000),
    externalId: key,
    metadata: { github_issue: issue.url },
    idempotencyKeys: [key],
    // Answered on the issue by an agent: an automatic acknowledgement would be one more comment to read.
    acknowledge: false,
  };
}

/** What an event says to the requester, as an issue comment: the agent's words and a signature, no notes. */
export function issueCommentText(event: Pick<TimelineEvent, 'kind' | 'actor' | 'data'>, ticketKey: string): string {
  const quote = String((event.data as { quote?: string } | undefined)?.quote ?? '').trim();
  const head = event.kind === 'resolved' ? 'We have resolved this request.\n\n' : '';
  const who = event.actor?.type === 'user' && event.actor.name ? `${event.actor.name}, ` : '';
  return `${head}${quote || 'There is news on this request.'}\n\n— ${who}Support team (${ticketKey})`;
}
