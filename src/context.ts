import type { Agenda } from 'agenda';
import type { Connection } from 'mongoose';
import type { Config } from './config.js';
import type { Mailer } from './mail/mailer.js';
import type { SlackDeps } from './slack/deps.js';
import type { ChannelQueue } from './slack/channel-queue.js';
import type { DeliveryWorker } from './delivery/worker.js';
import type { TrackerClients } from './trackers/types.js';

/**
 * What listeners, jobs and routes get, built once by createApp: the domain's and the Slack side's deps
 * (each layer below takes only its own part: DomainDeps, SlackDeps or a Pick of them), plus the raw
 * configuration, the database connection, the mailer and the scheduler.
 */
export interface AppContext extends SlackDeps {
  config: Config;
  db: Connection;
  mailer: Mailer;
  /** Scheduled work only (SLA sweeps, summaries, auto-close, the reconcile sweep). */
  agenda: Agenda;
  /** Works the immediate effects recorded in the `effects` collection (src/delivery/worker.ts). */
  worker: DeliveryWorker;
  /** The per-channel outbound queue every chat.postMessage / chat.update goes through (its stats for tests). */
  channelQueue: ChannelQueue;
  /** First retry delay of effects and scheduled jobs (doubles each time). */
  retryBaseMs: number;
  /** The issue trackers configured (GitHub, Jira), for filing bugs and commenting (src/trackers/). */
  trackers: TrackerClients;
}
