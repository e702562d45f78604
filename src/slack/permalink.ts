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
