import { App, HTTPReceiver, SocketModeReceiver, type Receiver } from '@slack/bolt';
import type { CustomRoute } from '@slack/bolt/dist/receivers/custom-routes.js';
import { Agenda, InMemoryNotificationChannel } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';
import type { Server } from 'node:http';
import type { Connection } from 'mongoose';
import { WebClient } from '@slack/web-api';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import type { Mailer } from './mail/mailer.js';
import type { AppContext } from './context.js';
import { bindModels, ensureIndexes } from './db/models/index.js';
import { moveRequestKeysToTickets } from './db/migrate-request-keys.js';
import { ensureReportIndexes } from './domain/report-queries.js';
import { boltLogger } from './slack/bolt-logger.js';
import { createTeamGate } from './slack/membership.js';
import { slackClientOptions } from './slack/client.js';
import { ChannelQueue, routeThroughQueue } from './slack/channel-queue.js';
import { httpRoutes } from './http/routes.js';
import { limitSlackBodies, SLACK_MAX_BODY_BYTES } from './http/body-limit.js';
import { registerListeners } from '../listeners/index.js';
import { defineJobs, scheduleRecurringJobs } from '../jobs/index.js';
import { askForStaleIntakes } from './flows/ticket-intake.js';
import { DeliveryWorker } from './delivery/worker.js';
import { queuedEffects } from './delivery/effects.js';
import { effectKinds } from './delivery/kinds.js';
import { effectSubject } from './delivery/subject.js';
import { loadSlaPolicy } from './domain/sla-policy.js';
import { applyPolicyToRunningTickets, recordPolicyVersion } from './domain/sla-policy-history.js';
import { loadTriageRules } from './domain/triage-rules.js';
import { incidentSettings } from './domain/incidents/settings.js';
import { domainSettings } from './domain/settings.js';
import { startSmtpListener, type SmtpListener } from './intake/smtp-listener.js';
import type { DnsResolver } from './intake/email-verify.js';
import { trackerClients } from './trackers/index.js';

const SLACK_PATH = '/slack/events';

export interface AppParts {
  config: Config;
  db: Connection;
  slack: WebClient;
  mailer: Mailer;
  clock: Clock;
  logger: Logger;
  /** How often Agenda polls for due scheduled jobs; tests shorten it. */
  schedulerPollMs?: number;
  /** How often the delivery worker looks for effects other processes recorded (its own wake it at once). */
  deliveryPollMs?: number;
  /** First retry delay of effects and jobs; tests shorten it. */
  retryBaseMs?: number;
  /** DNS answers for the SMTP listener's own SPF/DKIM/DMARC check; the system resolver when unset. */
  dnsResolver?: DnsResolver;
  /** How long a claim lasts without renewal (SlackDeps.claimMs); default 60 s, tests shorten it. */
  claimMs?: number;
  /** Address the HTTP server binds to; every interface when unset. The sandbox keeps to loopback. */
  host?: string;
  /** More routes beside Deskbell's own (the sandbox's page). */
  routes?: CustomRoute[];
}

export interface DeskbellApp {
  context: AppContext;
  bolt: App;
  /** Starts HTTP (or Socket Mode), the scheduler and (with MAIL_INBOUND_PORT) the SMTP listener; resolves with the bound ports. */
  start(port?: number): Promise<{ port: number; smtpPort?: number }>;
  /** Port the inbound SMTP listener is bound to, once started (MAIL_INBOUND_PORT=0 picks a free one). */
  readonly smtpPort: number | undefined;
  /** Stops accepting requests, then drains the scheduler. The database belongs to the caller. */
  stop(): Promise<void>;
}

/** Slack's HTTP endpoint and the routes beside it; Slack's request bodies are capped (src/http/body-limit.ts). */
function httpReceiver(config: Config, customRoutes: CustomRoute[], logger: Logger): HTTPReceiver {
  const receiver = new HTTPReceiver({
    // parseConfig requires it whenever SLACK_APP_TOKEN is unset (this receiver is only built then).
    signingSecret: config.SLACK_SIGNING_SECRET ?? '',
    endpoints: SLACK_PATH,
    customRoutes,
    logger: boltLogger(logger),
    // Answer 404 quickly for requests no listener takes instead of holding them open.
    unhandledRequestTimeoutMillis: 2900,
    bodyLimit: SLACK_MAX_BODY_BYTES,
  });
  limitSlackBodies(receiver, SLACK_PATH);
  return receiver;
}

export function createApp(parts: AppParts): DeskbellApp {
  const { config, db, logger } = parts;
  if (!db.db) throw new Error('createApp needs a connected mongoose connection');

  const agenda = new Agenda({
    backend: new MongoBackend({ mongo: db.db as never, collection: 'agendaJobs' }),
    // Only scheduled work lives here (six job names, each one query a poll); what is due now goes through the
    // delivery worker below. A poll locks the jobs due before the next one and starts each at its time, so
    // polling less often makes no job late.
    processEvery: parts.schedulerPollMs ?? 30_000,
    notificationChannel: new InMemoryNotificationChannel(),
    defaultLockLifetime: 5 * 60_000,
  });
  agenda.on('error', (err: unknown) => logger.error({ err }, 'scheduler error'));
  // Scheduled jobs are sweeps and summaries, not one ticket each: the per-ticket lines come from inside them.
  agenda.on('fail', (err: Error, job: { attrs: { name: string; failCount?: number } }) =>
    logger.warn({ job: job.attrs.name, failCount: job.attrs.failCount, err: err?.message }, 'scheduled job failed'),
  );
  // The jobs running in this process, so stop() can wait for them (see stop below).
  const runningJobs = new Set<string>();
  agenda.on('start', (job: { attrs: { _id?: unknown } }) => runningJobs.add(String(job.attrs._id)));
  agenda.on('complete', (job: { attrs: { _id?: unknown } }) => runningJobs.delete(String(job.attrs._id)));

  const models = bindModels(db);
  // Every message this process sends to Slack, from any client, leaves through one queue per channel.
  const channelQueue = new ChannelQueue({
    intervalMs: config.SLACK_CHANNEL_INTERVAL_MS,
    burst: config.SLACK_CHANNEL_BURST,
    maxWaitMs: config.SLACK_QUEUE_MAX_WAIT_MS,
    logger: logger.child({ component: 'channel-queue' }),
  });
  const slack = routeThroughQueue(parts.slack, channelQueue);
  const slackNoRetry = routeThroughQueue(
    new WebClient(config.SLACK_BOT_TOKEN, { ...slackClientOptions(config), retryConfig: { retries: 0 } }),
    channelQueue,
  );
  const policy = loadSlaPolicy(config.SLA_POLICY_FILE, config.SUPPORT_TIMEZONE);
  const retryBaseMs = parts.retryBaseMs ?? 2000;
  // Its kinds need the context and the context's effects need it: the kinds are set right below.
  const claimMs = parts.claimMs ?? 60_000;
  const worker = new DeliveryWorker({
    models,
    logger: logger.child({ component: 'delivery' }),
    kinds: {},
    retryBaseMs,
    pollMs: parts.deliveryPollMs ?? 5000,
    subjectOf: (data) => effectSubject(models, data),
    holdMs: claimMs,
    // Intakes are claimed on their tickets, not in the queue: one indexed query finds those whose process died.
    recover: () => askForStaleIntakes(context),
    // A claim is stale a claim's length after its last renewal at the earliest: looking as often is enough.
    recoverMs: claimMs,
  });
  const context: AppContext = {
    ...parts,
    slack,
    channelQueue,
    models,
    agenda,
    worker,
    effects: queuedEffects(worker),
    rules: loadTriageRules(config.TRIAGE_RULES_FILE),
    policy,
    incidents: incidentSettings(config),
    settings: domainSettings(config, logger),
    retryBaseMs,
    claimMs,
    trackers: trackerClients(config, logger.child({ component: 'trackers' })),
    slackNoRetry,
    supportChannel: config.SUPPORT_CHANNEL_ID,
    team: createTeamGate(slack, config.SUPPORT_TEAM_USERGROUP),
  };

  // Whether this process's scheduler runs, for /healthz; set by start and stop below.
  let schedulerRunning = false;
  const customRoutes: CustomRoute[] = [...httpRoutes(context, () => schedulerRunning), ...(parts.routes ?? [])];
  const receiver: Receiver = config.SLACK_APP_TOKEN
    ? new SocketModeReceiver({ appToken: config.SLACK_APP_TOKEN, customRoutes, logger: boltLogger(logger) })
    : httpReceiver(config, customRoutes, logger);

  const bolt = new App({
    token: config.SLACK_BOT_TOKEN,
    receiver,
    logger: boltLogger(logger),
    clientOptions: slackClientOptions(config),
    // Verifying the token at boot would make a Slack outage stop Deskbell from starting; /healthz reports it instead.
    tokenVerificationEnabled: false,
    convoStore: false,
    ignoreSelf: false,
  });
  bolt.error(async (err) => {
    logger.error({ err }, 'unhandled error in a Slack listener');
  });

  registerListeners(bolt, context);
  worker.setKinds(effectKinds(context));
  defineJobs(agenda, context);

  let server: Server | undefined;
  let smtp: SmtpListener | undefined;
  return {
    context,
    bolt,
    async start(port = config.PORT) {
      await ensureIndexes(context.models);
      const moved = await moveRequestKeysToTickets(context.models);
      if (moved) logger.info({ moved }, 'request keys moved onto their tickets');
      // A new SLA policy applies to the remainder of running targets: their due times move in the background.
      if ((await recordPolicyVersion(context, context.policy, context.clock.now())).inserted) {
        void applyPolicyToRunningTickets(context).catch((err: unknown) =>
          logger.warn(
            { err },
            'could not apply the new SLA policy to every running ticket; each is redone at its next change',
          ),
        );
      }
      // In the background: on a large collection they take a while, and the first report waits for them anyway.
      void ensureReportIndexes(context.models.Ticket);
      const started = (await bolt.start(parts.host ? { port, host: parts.host } : port)) as unknown;
      server = started instanceof Object && 'address' in (started as object) ? (started as Server) : undefined;
      worker.start();
      await agenda.start();
      await scheduleRecurringJobs(agenda, context);
      schedulerRunning = true;
      if (config.MAIL_INBOUND_PORT !== undefined)
        smtp = await startSmtpListener(context, {
          port: config.MAIL_INBOUND_PORT,
          host: config.MAIL_INBOUND_HOST,
          resolver: parts.dnsResolver,
        });
      const address = server?.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      logger.info(
        { port: bound, smtpPort: smtp?.port, mode: config.SLACK_APP_TOKEN ? 'socket' : 'http' },
        'Deskbell is listening',
      );
      if (!config.SUPPORT_TEAM_USERGROUP) {
        logger.warn(
          'SUPPORT_TEAM_USERGROUP is not set: everyone in the Slack workspace can see, change, assign and reply to every ticket',
        );
      }
      return { port: bound, ...(smtp ? { smtpPort: smtp.port } : {}) };
    },
    get smtpPort() {
      return smtp?.port;
    },
    async stop() {
      await smtp?.close().catch((err: unknown) => logger.warn({ err }, 'error while stopping the SMTP listener'));
      smtp = undefined;
      await bolt.stop().catch((err: unknown) => logger.warn({ err }, 'error while stopping the Slack receiver'));
      schedulerRunning = false;
      // Agenda locks jobs a little before they are due and holds them in a local queue. stop() unlocks those
      // at once, so another process runs them on time, and lets the running ones finish; drain() would keep
      // their locks for the whole lock lifetime (and leave stop() nothing to do). Then wait for the running.
      await agenda.stop().catch((err: unknown) => logger.warn({ err }, 'error while stopping the scheduler'));
      // One budget for effects and jobs together, so a shutdown ends well inside a process manager's 10 s.
      const deadline = Date.now() + 6_000;
      await worker.stop(6_000);
      while (runningJobs.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      if (runningJobs.size > 0)
        logger.warn(
          { running: runningJobs.size },
          'jobs still running at shutdown; their locks expire and another process retries them',
        );
      channelQueue.close();
      parts.mailer.close?.();
    },
  };
}
