import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { searchArticles } from '../domain/knowledge-search.js';
import { helpLink, markSolvedBySelfHelp, publicArticleList, showHelpArticle } from '../domain/self-help.js';
import { helpArticlePage, helpIndexPage, helpNotFoundPage, helpSolvedPage } from '../../views/help-page.js';
import { readBody, route, sendHtml, sendJson, type RoutedRequest } from './respond.js';

const FORM_MAX_BYTES = 2048;
const slugSchema = z.string().min(1).max(200);
const tokenSchema = z.string().regex(/^[A-Za-z0-9_-]{1,120}\.[A-Za-z0-9_-]{43}$/);

function headers(res: ServerResponse, cacheable: boolean): void {
  res.setHeader('cache-control', cacheable ? 'public, max-age=60' : 'no-store');
  // The "solved" token is in the address: it must not travel on to another site.
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader(
    'content-security-policy',
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  );
}

const queryOf = (req: RoutedRequest, name: string) => new URL(req.url ?? '/', 'http://x').searchParams.get(name) ?? '';
const slugOf = (req: RoutedRequest) => slugSchema.safeParse(req.params?.slug);

/**
 * The public help pages (KB_PUBLIC_ENABLED; 404 otherwise), served like the status page: public articles
 * only, escaped, strict CSP. GET /help searches, GET /help/:slug shows an article (and, from an
 * acknowledgement's signed link, a "This solved my problem" form), POST /help/:slug/solved records it.
 */
export function helpHandler(ctx: AppContext, page: 'index' | 'article' | 'solved') {
  return async (req: RoutedRequest, res: ServerResponse): Promise<void> => {
    if (!ctx.settings.knowledge.publicEnabled) {
      sendJson(res, 404, { error: 'the help pages are not enabled (KB_PUBLIC_ENABLED)' });
      return;
    }
    if (page === 'index') {
      const query = queryOf(req, 'q').trim().slice(0, 200);
      const items = query
        ? (await searchArticles(ctx, query, { publicOnly: true, limit: 20 })).map((a) => ({
            title: a.title,
            url: helpLink(ctx, a),
            summary: a.snippet,
          }))
        : (await publicArticleList(ctx)).map((a) => ({
            title: a.title,
            url: `${ctx.settings.survey.baseUrl}/help/${encodeURIComponent(a.slug)}`,
            summary: a.summary,
          }));
      headers(res, true);
      sendHtml(res, 200, helpIndexPage(query, items));
      return;
    }
    const slug = slugOf(req);
    if (!slug.success) {
      headers(res, true);
      const missing = helpNotFoundPage();
      sendHtml(res, missing.status, missing.html);
      return;
    }
    if (page === 'article') {
      const token = tokenSchema.safeParse(queryOf(req, 't'));
      const shown = await showHelpArticle(ctx, slug.data, token.success ? token.data : undefined);
      headers(res, !token.success);
      if (shown.kind === 'not_found') {
        const missing = helpNotFoundPage();
        sendHtml(res, missing.status, missing.html);
        return;
      }
      // Relative to /help/, so it also works behind a proxy that serves Deskbell under a path prefix.
      const form = shown.solvedForm
        ? { token: shown.solvedForm.token, action: `${encodeURIComponent(slug.data)}/solved` }
        : undefined;
      sendHtml(res, 200, helpArticlePage(shown.article, form));
      return;
    }
    const raw = await readBody(req, FORM_MAX_BYTES).catch(() => Buffer.alloc(0));
    const token = tokenSchema.safeParse(new URLSearchParams(raw.toString('utf8')).get('t'));
    const outcome = token.success
      ? await markSolvedBySelfHelp(ctx, slug.data, token.data)
      : ({ kind: 'invalid' } as const);
    headers(res, false);
    const answer = helpSolvedPage(outcome);
    sendHtml(res, answer.status, answer.html);
  };
}

export function helpRoutes(ctx: AppContext, log: Parameters<typeof route>[0]) {
  return [
    { path: '/help', method: 'GET', handler: route(log, helpHandler(ctx, 'index')) },
    { path: '/help/:slug', method: 'GET', handler: route(log, helpHandler(ctx, 'article')) },
    { path: '/help/:slug/solved', method: 'POST', handler: route(log, helpHandler(ctx, 'solved'), FORM_MAX_BYTES) },
  ];
}
