import type { ServerResponse } from 'node:http';
import type { AppContext } from '../context.js';
import { publicIncidents } from '../domain/incidents/status-page.js';
import { statusJson, statusPageHtml } from '../../views/status-page.js';
import { sendHtml, sendJson, type RoutedRequest } from './respond.js';

/**
 * GET /status and /status.json (STATUS_PAGE_ENABLED): active and just-resolved incidents with their updates
 * marked public, nothing else (no internal notes, requester data or Slack links). 404 when disabled.
 */
export function statusPageHandler(ctx: AppContext, format: 'html' | 'json') {
  return async (_req: RoutedRequest, res: ServerResponse): Promise<void> => {
    if (!ctx.incidents.statusPage) {
      sendJson(res, 404, { error: 'the status page is not enabled (STATUS_PAGE_ENABLED)' });
      return;
    }
    const now = ctx.clock.now();
    const incidents = await publicIncidents(ctx, now);
    res.setHeader('cache-control', 'public, max-age=30');
    res.setHeader('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
    res.setHeader('referrer-policy', 'no-referrer');
    if (format === 'json') sendJson(res, 200, statusJson(incidents, now), { 'access-control-allow-origin': '*' });
    else sendHtml(res, 200, statusPageHtml(incidents, now));
  };
}
