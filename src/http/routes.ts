import type { CustomRoute } from '@slack/bolt/dist/receivers/custom-routes.js';
import type { AppContext } from '../context.js';
import { lastSweepAt } from '../domain/sla-sweep.js';
import { csatHandler } from './csat.js';
import { createHealthCheck, mayReadHealthDetails, withoutDetails } from './health.js';
import { postmarkIntakeHandler } from './intake-postmark.js';
import { webhookIntakeHandler } from './intake-webhook.js';
import { route, sendJson } from './respond.js';
import { statusPageHandler } from './status-page.js';
import { githubWebhookHandler, jiraWebhookHandler } from './tracker-webhooks.js';

/** Every non-Slack HTTP endpoint, served by Bolt's receiver beside /slack/events. */
export function httpRoutes(ctx: AppContext, schedulerRunning: () => boolean): CustomRoute[] {
  const health = createHealthCheck({ db: ctx.db, slack: ctx.slack, clock: ctx.clock, schedulerRunning, lastSweepAt: () => lastSweepAt(ctx.models) });
  const log = ctx.logger.child({ component: 'http' });
  return [
    {
      path: '/healthz',
      method: 'GET',
      handler: route(log, async (req, res) => {
        const report = await health();
        // Details (versions of errors, the workspace name, the last sweep) only for this machine or the token.
        sendJson(res, report.ok ? 200 : 503, mayReadHealthDetails(req, ctx.config.HEALTH_TOKEN) ? report : withoutDetails(report));
      }),
    },
    { path: '/intake/webhook', method: 'POST', handler: route(log, webhookIntakeHandler(ctx)) },
    // Satisfaction-survey links from resolution mails (signed tokens; see src/domain/csat.ts).
    // GET shows the question and records nothing (scanners fetch every link); the page's form POSTs the answer.
    { path: '/csat/:token', method: 'GET', handler: route(log, csatHandler(ctx, 'GET')) },
    { path: '/csat/:token', method: 'POST', handler: route(log, csatHandler(ctx, 'POST')) },
    { path: '/intake/email/postmark', method: 'POST', handler: route(log, postmarkIntakeHandler(ctx)) },
    // Issue trackers' signed deliveries (docs/trackers.md): bug status, GitHub Issues as a support channel.
    { path: '/webhooks/github', method: 'POST', handler: route(log, githubWebhookHandler(ctx)) },
    { path: '/webhooks/jira', method: 'POST', handler: route(log, jiraWebhookHandler(ctx)) },
    // The optional public status page (STATUS_PAGE_ENABLED): only updates marked public.
    { path: '/status', method: 'GET', handler: route(log, statusPageHandler(ctx, 'html')) },
    { path: '/status.json', method: 'GET', handler: route(log, statusPageHandler(ctx, 'json')) },
  ];
}
