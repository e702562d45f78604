import type { Agenda } from 'agenda';
import type { Connection } from 'mongoose';
import type { WebClient } from '@slack/web-api';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import type { Mailer } from './mail/mailer.js';
import type { Models } from './db/models/index.js';

/** Everything a listener, job or route needs, built once by createApp and passed down explicitly. */
export interface AppContext {
  config: Config;
  db: Connection;
  models: Models;
  slack: WebClient;
  mailer: Mailer;
  clock: Clock;
  logger: Logger;
  agenda: Agenda;
  /** Records scheduler liveness for /healthz. */
  schedulerState: { running: boolean; lastSweepAt?: Date };
}
