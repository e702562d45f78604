import type { WebClient } from '@slack/web-api';

const CACHE_MS = 60 * 60_000;
const cache = new WeakMap<WebClient, { at: number; url?: string; userId?: string }>();

/** auth.test, cached for an hour per client: who the bot is and where the workspace lives rarely change. */
async function identity(slack: WebClient): Promise<{ url?: string; userId?: string } | undefined> {
  const hit = cache.get(slack);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit;
  try {
    const res = await slack.auth.test();
    const fresh = {
      at: Date.now(),
      ...(res.url ? { url: res.url } : {}),
      ...(res.user_id ? { userId: res.user_id } : {}),
    };
    cache.set(slack, fresh);
    return fresh;
  } catch {
    return hit;
  }
}

/**
 * The workspace's base URL (`https://acme.slack.com/`): lists link to many cards, and building links from it
 * costs one call instead of a chat.getPermalink per card. Undefined when Slack cannot say; lists then show
 * keys without links.
 */
export async function workspaceUrl(slack: WebClient): Promise<string | undefined> {
  return (await identity(slack))?.url;
}

/** The bot's own user id (channels it created carry it as `creator`). */
export async function botUserId(slack: WebClient): Promise<string> {
  const id = (await identity(slack))?.userId;
  if (!id) throw new Error('auth.test did not say who the bot is');
  return id;
}

/** A link that opens a channel in Slack. */
export function channelUrl(base: string | undefined, channel: string): string | undefined {
  return base ? `${base.replace(/\/?$/, '/')}archives/${channel}` : undefined;
}
