import type { WebClient } from '@slack/web-api';
import type { DomainDeps } from '../domain/deps.js';
import type { TeamGate } from './membership.js';

/** What the Slack side (cards, notes, DMs, Home, war rooms) needs: the domain's deps and the Slack clients. */
export interface SlackDeps extends DomainDeps {
  slack: WebClient;
  /** A client that never retries by itself: a retried chat.postMessage could post twice. */
  slackNoRetry: WebClient;
  /** SUPPORT_CHANNEL_ID: where cards, summaries and alerts go. */
  supportChannel: string;
  /** Who may act on cards (SUPPORT_TEAM_USERGROUP). */
  team: TeamGate;
  /**
   * How long a claim (an effect's, a once-only delivery's) lasts without renewal: its holder renews it while it
   * works, so this is how soon another process takes over from one that died. 60 s; tests shorten it.
   */
  claimMs: number;
}
