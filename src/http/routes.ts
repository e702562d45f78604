import type { CustomRoute } from '@slack/bolt/dist/receivers/custom-routes.js';
import type { AppContext } from '../context.js';
import { lastSweepAt } from '../domain/sla-sweep.js';
import { csatHandler, FORM_MAX_BYTES } from './csat.js';
import { homeHandler, INTAKE_API_PATH, intakeApiHandler } from './home.js';
import { createHealthCheck, mayReadHealthDetails, withoutDetails } from './health.js';
import { postmarkIntakeHandler } from './intake-postmark.js';
import { webhookIntakeHandler } from './intake-webhook.js';
import { capBody, logRejections } from './rejections.js';
import { route, sendJson } from './respond.js';
import { statusPageHandler } from './status-page.js';
import { helpRoutes } from './help-pages.js';

/**
 * Every non-Slack HTTP endpoint, served by Bolt's receiver beside /slack/events. Each states the largest body
 * it takes (none for GET); a larger one is refused with 413 before it is read.
 */
/** For `route`: the handler caps its body itself (capBody), inside logRejections, so refusals are logged. */
const CAPPED_INSIDE = Number.MAX_SAFE_INTEGER;
import { githubWebhookHandler, jiraWebhookHandler } from './tracker-webhooks.js';

export function httpRoutes(ctx: AppContext, schedulerRunning: () => boolean): CustomRoute[] {
  const health = createHealthCheck({
    db: ctx.db,
    slack: ctx.slack,
    clock: ctx.clock,
    schedulerRunning,
    lastSweepAt: () => lastSweepAt(ctx.models),
  });
  const log = ctx.logger.child({ component: 'http' });
  return [
    // What this server is, for whoever opens its address in a browser, and the intake API's contract.
    { path: '/', method: 'GET', handler: route(log, homeHandler()) },
    { path: INTAKE_API_PATH, method: 'GET', handler: route(log, intakeApiHandler()) },
    {
      path: '/healthz',
      method: 'GET',
      handler: route(log, async (req, res) => {
        const report = await health();
        // Details (versions or errors, the workspace name, the last sweep) only with HEALTH_TOKEN.
        sendJson(
          res,
          report.ok ? 200 : 503,
          mayReadHealthDetails(req, ctx.config.HEALTH_TOKEN) ? report : withoutDetails(report),
        );
      }),
    },
    // Each refused intake request is logged once, with its reason and the caller's address (rejections.ts).
    {
      path: '/intake/webhook',
      method: 'POST',
      handler: route(
        log,
        logRejections(ctx.logger, 'webhook', capBody(ctx.config.INTAKE_MAX_BODY_BYTES, webhookIntakeHandler(ctx))),
        CAPPED_INSIDE,
      ),
    },
    // Satisfaction-survey links from resolution mails (signed tokens; see src/domain/csat.ts).
    // GET shows the question and records nothing (scanners fetch every link); the page's form POSTs the answer.
    { path: '/csat/:token', method: 'GET', handler: route(log, csatHandler(ctx, 'GET')) },
    { path: '/csat/:token', method: 'POST', handler: route(log, csatHandler(ctx, 'POST'), FORM_MAX_BYTES) },
    // Attachments arrive base64-encoded, as in the raw mail: the SMTP listener's limit.
    {
      path: '/intake/email/postmark',
      method: 'POST',
      handler: route(
        log,
        logRejections(ctx.logger, 'postmark', capBody(ctx.config.MAIL_MAX_BYTES, postmarkIntakeHandler(ctx))),
        CAPPED_INSIDE,
      ),
    },
    // Issue trackers' signed deliveries (docs/trackers.md): bug status, GitHub Issues as a support channel.
    {
      path: '/webhooks/github',
      method: 'POST',
      handler: route(log, githubWebhookHandler(ctx), ctx.config.INTAKE_MAX_BODY_BYTES),
    },
    {
      path: '/webhooks/jira',
      method: 'POST',
      handler: route(log, jiraWebhookHandler(ctx), ctx.config.INTAKE_MAX_BODY_BYTES),
    },
    // The optional public status page (STATUS_PAGE_ENABLED): only updates marked public.
    { path: '/status', method: 'GET', handler: route(log, statusPageHandler(ctx, 'html')) },
    { path: '/status.json', method: 'GET', handler: route(log, statusPageHandler(ctx, 'json')) },
    // The optional public help pages (KB_PUBLIC_ENABLED): public articles only; a POST marks a ticket solved.
    ...helpRoutes(ctx, log),
  ];
}
