import type { ServerResponse } from 'node:http';
import type { AppContext } from '../context.js';
import { recordSurveyAnswer, showSurvey, type SurveyOutcome } from '../domain/csat.js';
import { csatErrorPage, csatPage } from '../../views/csat-page.js';
import { readBody, sendHtml, type RoutedRequest } from './respond.js';

/** The survey form posts one field (`score=4`). */
export const FORM_MAX_BYTES = 1024;

function tokenOf(req: RoutedRequest): string {
  const raw = req.params?.token;
  return typeof raw === 'string' ? raw : '';
}

/** The score the survey form posted (`score=1..5`, form-encoded); undefined keeps the link's own score. */
function postedScore(raw: Buffer): number | undefined {
  const value = new URLSearchParams(raw.toString('utf8')).get('score');
  return value && /^[1-5]$/.test(value) ? Number(value) : undefined;
}

function answer(res: ServerResponse, page: { status: number; html: string }): void {
  res.setHeader('cache-control', 'no-store');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader(
    'content-security-policy',
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  );
  sendHtml(res, page.status, page.html);
}

/**
 * GET /csat/:token: a survey link from a resolution mail. Shows the question with the link's score
 * preselected and records nothing (mail scanners fetch every link); 400 forged, 410 expired.
 * POST /csat/:token: the page's form; records (or replaces) the answer.
 */
export function csatHandler(ctx: AppContext, method: 'GET' | 'POST') {
  const log = ctx.logger.child({ component: 'csat' });
  return async (req: RoutedRequest, res: ServerResponse): Promise<void> => {
    const token = tokenOf(req);
    // A form larger than the one field it has is refused (413), not taken as an answer without a score.
    const form = method === 'POST' ? await readBody(req, FORM_MAX_BYTES) : undefined;
    let page;
    try {
      let outcome: SurveyOutcome;
      if (!form) {
        outcome = await showSurvey(ctx, token);
      } else {
        outcome = await recordSurveyAnswer(ctx, token, postedScore(form));
      }
      // Relative to /csat/, so it also works behind a proxy that serves Deskbell under a path prefix.
      page = csatPage(outcome, encodeURIComponent(token));
    } catch (err) {
      log.error({ err }, 'could not record a satisfaction answer');
      page = csatErrorPage();
    }
    answer(res, page);
  };
}
