import type { WebClient } from '@slack/web-api';
import { messageUrl } from '../../views/ticket-list.js';
import { workspaceUrl } from './workspace-url.js';

/** chat.getPermalink for one message; the link built from the workspace URL when Slack will not say. */
export async function permalinkOf(
  ctx: { slack: WebClient },
  card: { channel: string; ts: string },
): Promise<string | undefined> {
  try {
    const res = await ctx.slack.chat.getPermalink({ channel: card.channel, message_ts: card.ts });
    if (res.permalink) return res.permalink;
  } catch {
    // Fall through to the built link.
  }
  const base = await workspaceUrl(ctx.slack);
  return base ? messageUrl(base, card.channel, card.ts) : undefined;
}

/**
 * The permalink of a ticket's card, for a DM that links it. Throws while the card is not posted yet (or Slack
 * gives no link), so the DM's effect retries later rather than sending without it.
 */
export async function postedCardLink(
  slack: WebClient,
  ticket: { key: string; card?: { channel?: string | null; ts?: string | null } | null },
  what: string,
): Promise<string> {
  if (!ticket.card?.ts || !ticket.card.channel)
    throw new Error(`card of ${ticket.key} is not posted yet; ${what} waits for it`);
  const { permalink } = await slack.chat.getPermalink({ channel: ticket.card.channel, message_ts: ticket.card.ts });
  if (!permalink) throw new Error('chat.getPermalink answered without a permalink');
  return permalink;
}
