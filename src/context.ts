import type { Agenda } from 'agenda';
import type { Connection } from 'mongoose';
import type { WebClient } from '@slack/web-api';
import type { DomainDeps } from './domain/deps.js';
import type { Mailer } from './mail/mailer.js';
import type { CardDeps } from './slack/cards.js';
import type { TeamGate } from './slack/membership.js';
import type { ChannelQueue } from './slack/channel-queue.js';

/** Everything a listener, job or route needs, built once by createApp and passed down explicitly. */
export interface AppContext extends DomainDeps {
  db: Connection;
  slack: WebClient;
  mailer: Mailer;
  agenda: Agenda;
  cards: CardDeps;
  /** The per-channel outbound queue every chat.postMessage / chat.update goes through. */
  channelQueue: ChannelQueue;
  /** Who may act on cards (SUPPORT_TEAM_USERGROUP). */
  team: TeamGate;
  /** First retry delay of delivery jobs (doubles each time). */
  retryBaseMs: number;
  /** Records scheduler liveness for /healthz. */
  schedulerState: { running: boolean; lastSweepAt?: Date; /** Set by jobs/sla.ts: the job whose last run any process made /healthz reports. */ sweepJobName?: string };
}
