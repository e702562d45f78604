import type { PublicArticle, SolvedOutcome } from '../src/domain/self-help.js';
import { escapeHtml } from './csat-page.js';

/**
 * The public help pages (KB_PUBLIC_ENABLED): every interpolated value escaped, no scripts, no external
 * resources (the route's CSP allows none), nothing but an article's public fields. Pure.
 */
function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f6f6f4;color:#1d1c1d;margin:0;padding:1rem}
main{max-width:44rem;margin:0 auto;background:#fff;border-radius:10px;box-shadow:0 1px 4px rgba(0,0,0,.08);padding:1.5rem 2rem}
h1{font-size:1.5rem}h2{font-size:1.1rem;margin:1.5rem 0 .25rem}p{line-height:1.5;margin:.4rem 0}.muted{color:#555;font-size:.9rem}
input[type=search]{font:inherit;padding:.45rem;width:70%}button{font:inherit;padding:.55rem 1.2rem;border:0;border-radius:8px;background:#1264a3;color:#fff;cursor:pointer}
ul{padding-left:1.2rem}li{margin:.6rem 0}.solved{margin-top:2rem;padding-top:1rem;border-top:1px solid #e5e5e0}
</style>
</head>
<body><main>
${body}
</main></body>
</html>
`;
}

/** Paragraphs of an agent's text, line breaks kept. */
function paragraphs(text: string): string {
  return text
    .trim()
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
}

function searchForm(query: string): string {
  return `<form method="get" action=""><input type="search" name="q" value="${escapeHtml(query)}" aria-label="Search the help articles" maxlength="200"> <button type="submit">Search</button></form>`;
}

export interface HelpListItem {
  title: string;
  url: string;
  summary: string;
}

/** GET /help: the search form and the articles found (or the most read). */
export function helpIndexPage(query: string, items: HelpListItem[]): string {
  const list = items.length
    ? `<ul>${items.map((i) => `<li><a href="${escapeHtml(i.url)}">${escapeHtml(i.title)}</a><br><span class="muted">${escapeHtml(i.summary)}</span></li>`).join('')}</ul>`
    : `<p>${query ? 'No article matches your words. Try other ones, or reply to our email.' : 'There are no help articles yet.'}</p>`;
  const heading = query ? `Articles for “${escapeHtml(query)}”` : 'Help articles';
  return page('Help', `<h1>Help</h1>\n${searchForm(query)}\n<h2>${heading}</h2>\n${list}`);
}

/** GET /help/:slug: the article; with a valid token for an open ticket, the "This solved my problem" form. */
export function helpArticlePage(a: PublicArticle, solvedForm?: { token: string; action: string }): string {
  const part = (label: string, text: string) => (text.trim() ? `<h2>${label}</h2>\n${paragraphs(text)}` : '');
  const form = solvedForm
    ? `<div class="solved"><p>Did this solve your problem? Tell us and we will close your request.</p><form method="post" action="${escapeHtml(solvedForm.action)}"><input type="hidden" name="t" value="${escapeHtml(solvedForm.token)}"><button type="submit">This solved my problem</button></form></div>`
    : '';
  const updated = a.updatedAt.toISOString().slice(0, 10);
  return page(
    a.title,
    `<h1>${escapeHtml(a.title)}</h1>
<p class="muted">${escapeHtml(a.key)} · updated ${updated}</p>
${part('The problem', a.problem)}
${part('Why it happens', a.cause)}
${part('How to fix it', a.fix)}
${part('How to check that it works', a.verify)}
${form}`,
  );
}

/** The answer to "This solved my problem", and its HTTP status. */
export function helpSolvedPage(outcome: SolvedOutcome): { status: number; html: string } {
  switch (outcome.kind) {
    case 'solved':
      return {
        status: 200,
        html: page(
          'Thank you',
          `<h1>Thank you</h1><p>We are glad “${escapeHtml(outcome.article.title)}” helped. Your request is closed; if the problem comes back, just reply to our email.</p>`,
        ),
      };
    case 'already':
      return {
        status: 200,
        html: page(
          'Already noted',
          `<h1>Already noted</h1><p>Your request is no longer open. If the problem is still there, just reply to our email.</p>`,
        ),
      };
    case 'invalid':
      return {
        status: 400,
        html: page(
          'This link is not valid',
          '<h1>This link is not valid</h1><p>It may have expired or been changed. Please reply to our email instead.</p>',
        ),
      };
    case 'not_found':
      return helpNotFoundPage();
  }
}

export function helpNotFoundPage(): { status: number; html: string } {
  return {
    status: 404,
    html: page('Not found', '<h1>Article not found</h1><p>This help article does not exist or is not public.</p>'),
  };
}
