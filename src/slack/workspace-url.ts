import type { WebClient } from '@slack/web-api';

const CACHE_MS = 60 * 60_000;
const cache = new WeakMap<WebClient, { at: number; url: string }>();

/**
 * The workspace's base URL (`https://acme.slack.com/`) from auth.test, cached for an hour per client: lists
 * link to many cards, and building links from it costs one call instead of a chat.getPermalink per card.
 * Undefined when Slack cannot say; lists then show keys without links.
 */
export async function workspaceUrl(slack: WebClient): Promise<string | undefined> {
  const hit = cache.get(slack);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.url;
  try {
    const res = await slack.auth.test();
    if (!res.url) return hit?.url;
    cache.set(slack, { at: Date.now(), url: res.url });
    return res.url;
  } catch {
    return hit?.url;
  }
}
