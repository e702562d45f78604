import type { CustomRoute } from '@slack/bolt/dist/receivers/custom-routes.js';
import type { AppContext } from '../context.js';
import { csatHandler } from './csat.js';
import { createHealthCheck } from './health.js';
import { postmarkIntakeHandler } from './intake-postmark.js';
import { webhookIntakeHandler } from './intake-webhook.js';
import { route, sendJson } from './respond.js';
import { statusPageHandler } from './status-page.js';

/** Every non-Slack HTTP endpoint, served by Bolt's receiver beside /slack/events. */
export function httpRoutes(ctx: AppContext): CustomRoute[] {
  const health = createHealthCheck({ db: ctx.db, slack: ctx.slack, clock: ctx.clock, scheduler: () => ctx.schedulerState });
  const log = ctx.logger.child({ component: 'http' });
  return [
    {
      path: '/healthz',
      method: 'GET',
      handler: route(log, async (_req, res) => {
        const report = await health();
        sendJson(res, report.ok ? 200 : 503, report);
      }),
    },
    { path: '/intake/webhook', method: 'POST', handler: route(log, webhookIntakeHandler(ctx)) },
    // Satisfaction-survey links from resolution mails (signed tokens; see src/domain/csat.ts).
    { path: '/csat/:token', method: 'GET', handler: route(log, csatHandler(ctx)) },
    { path: '/intake/email/postmark', method: 'POST', handler: route(log, postmarkIntakeHandler(ctx)) },
    // The optional public status page (STATUS_PAGE_ENABLED): only updates marked public.
    { path: '/status', method: 'GET', handler: route(log, statusPageHandler(ctx, 'html')) },
    { path: '/status.json', method: 'GET', handler: route(log, statusPageHandler(ctx, 'json')) },
  ];
}
