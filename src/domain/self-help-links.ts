import type { TicketDoc } from '../db/models/ticket.js';
import type { DomainDeps } from './deps.js';
import { publicArticlesFor } from './knowledge-search.js';
import { helpLink } from './self-help.js';

export interface SelfHelpLink {
  title: string;
  url: string;
}

/**
 * The public articles an acknowledgement lists (KB_PUBLIC_ENABLED): up to three about the ticket, each
 * linked with a token that lets the requester say it solved the problem. Best effort: a failing search
 * never holds up the acknowledgement.
 */
export async function selfHelpLinks(
  deps: DomainDeps,
  ticket: Pick<TicketDoc, 'id' | 'subject' | 'body'>,
): Promise<SelfHelpLink[]> {
  if (!deps.settings.knowledge.publicEnabled) return [];
  try {
    const articles = await publicArticlesFor(deps, { id: ticket.id, subject: ticket.subject, body: ticket.body });
    return articles.map((a) => ({ title: a.title, url: helpLink(deps, a, ticket.id) }));
  } catch (err) {
    deps.logger.warn({ err }, 'no help articles in the acknowledgement: the search failed');
    return [];
  }
}
