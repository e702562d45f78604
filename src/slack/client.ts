import { WebClient, LogLevel } from '@slack/web-api';
import type { Config } from '../config.js';

/**
 * The WebClient retries a little by itself (it honours Retry-After on 429); anything longer is left
 * to the durable jobs, which keep retrying with backoff across restarts.
 */
export const SLACK_RETRY_CONFIG = { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 2000 };

/**
 * Each Web API call gives up after this long (the client waits forever by default), far below the claim
 * a worker holds while posting (SlackDeps.claimMs, renewed while it waits), so a hung call fails the attempt.
 */
export const SLACK_TIMEOUT_MS = 10_000;

export function slackClientOptions(config: Config) {
  return {
    ...(config.SLACK_API_URL ? { slackApiUrl: ensureTrailingSlash(config.SLACK_API_URL) } : {}),
    retryConfig: SLACK_RETRY_CONFIG,
    timeout: SLACK_TIMEOUT_MS,
    logLevel: LogLevel.ERROR,
    // A 429 comes back to the channel queue at once (src/slack/channel-queue.ts), which waits Retry-After for
    // that channel only; the WebClient's own wait would pause every call of the client.
    rejectRateLimitedCalls: true,
  };
}

export function createSlackClient(config: Config): WebClient {
  return new WebClient(config.SLACK_BOT_TOKEN, slackClientOptions(config));
}

function ensureTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
