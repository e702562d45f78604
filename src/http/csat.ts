import type { ServerResponse } from 'node:http';
import type { AppContext } from '../context.js';
import { recordSurveyAnswer } from '../domain/csat.js';
import { csatErrorPage, csatPage } from '../../views/csat-page.js';
import { sendHtml, type RoutedRequest } from './respond.js';

/**
 * GET /csat/:token — a requester's click on a survey link. Answers with a small HTML page in every case
 * (the requester sees it in a browser): 200 thank-you or "already recorded", 400 forged, 410 expired.
 */
export function csatHandler(ctx: AppContext) {
  const log = ctx.logger.child({ component: 'csat' });
  return async (req: RoutedRequest, res: ServerResponse): Promise<void> => {
    const raw = req.params?.token;
    const token = typeof raw === 'string' ? raw : '';
    let page;
    try {
      page = csatPage(await recordSurveyAnswer(ctx, token));
    } catch (err) {
      log.error({ err }, 'could not record a satisfaction answer');
      page = csatErrorPage();
    }
    res.setHeader('cache-control', 'no-store');
    res.setHeader('referrer-policy', 'no-referrer');
    sendHtml(res, page.status, page.html);
  };
}
