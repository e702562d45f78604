import { CSAT_LABELS } from '../src/domain/csat.js';
import type { SurveyOutcome } from '../src/domain/csat.js';

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function page(title: string, lines: string[]): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f6f6f4;color:#1d1c1d;margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center}
main{background:#fff;border-radius:12px;box-shadow:0 1px 4px rgba(0,0,0,.08);padding:2.5rem 2rem;max-width:28rem;margin:1rem;text-align:center}
h1{font-size:1.4rem;margin:0 0 1rem}p{line-height:1.5;margin:.5rem 0}.stars{font-size:1.8rem;letter-spacing:.2rem;color:#e8a400}
fieldset{border:0;padding:0;margin:1rem 0;text-align:left}label{display:block;padding:.35rem 0}button{font:inherit;padding:.6rem 1.4rem;border:0;border-radius:8px;background:#1264a3;color:#fff;cursor:pointer}
</style>
</head>
<body><main>
<h1>${escapeHtml(title)}</h1>
${lines.map((l) => `<p>${l}</p>`).join('\n')}
</main></body>
</html>
`;
}

function stars(score: number): string {
  return `<span class="stars" aria-label="${score} out of 5">${'★'.repeat(score)}${'☆'.repeat(5 - score)}</span>`;
}

/** The survey question: the five answers with the clicked one preselected, and a button that POSTs it. */
function questionForm(action: string, ticketKey: string, score: number, previous: number | undefined): string[] {
  const options = Object.entries(CSAT_LABELS)
    .map(
      ([value, label]) =>
        `<label><input type="radio" name="score" value="${escapeHtml(value)}"${Number(value) === score ? ' checked' : ''}> ${escapeHtml(value)} · ${escapeHtml(label)}</label>`,
    )
    .join('');
  return [
    `How satisfied are you with the support for ${escapeHtml(ticketKey)}?`,
    ...(previous
      ? [
          `Your current answer is <strong>${escapeHtml(CSAT_LABELS[previous] ?? String(previous))}</strong>; sending another one replaces it.`,
        ]
      : []),
    `<form method="post" action="${escapeHtml(action)}"><fieldset>${options}</fieldset><button type="submit">Send my answer</button></form>`,
  ];
}

/**
 * The page a survey link answers with, and its HTTP status. Everything interpolated is escaped. Pure.
 * `action` is where the question's form posts (the link itself).
 */
export function csatPage(outcome: SurveyOutcome, action = ''): { status: number; html: string } {
  switch (outcome.kind) {
    case 'question':
      return {
        status: 200,
        html: page('One question', questionForm(action, outcome.ticketKey, outcome.score, outcome.previous)),
      };
    case 'recorded':
      return {
        status: 200,
        html: page('Thank you for your feedback', [
          stars(outcome.score),
          `You rated the support for ${escapeHtml(outcome.ticketKey)} as <strong>${escapeHtml(CSAT_LABELS[outcome.score] ?? String(outcome.score))}</strong>${outcome.previous ? ' (this replaces your earlier answer)' : ''}.`,
          'It helps us get better. If something is still not right, just reply to our email.',
        ]),
      };
    case 'already':
      return {
        status: 200,
        html: page('Your answer is already recorded', [
          stars(outcome.score),
          `You already rated the support for ${escapeHtml(outcome.ticketKey)} as <strong>${escapeHtml(CSAT_LABELS[outcome.score] ?? String(outcome.score))}</strong>.`,
          'If there is anything else you would like to tell us, just reply to our email.',
        ]),
      };
    case 'expired':
      return {
        status: 410,
        html: page('This survey has expired', [
          'Survey links work for 30 days after a ticket is resolved.',
          'You can still tell us how we did by replying to our email.',
        ]),
      };
    case 'not_found':
      return { status: 404, html: page('Ticket not found', ['We could not find the ticket this survey is about.']) };
    case 'invalid':
      return {
        status: 400,
        html: page('This link is not valid', [
          'The link may have been cut off or changed. Please use the link from the email exactly as it is.',
        ]),
      };
  }
}

export function csatErrorPage(): { status: number; html: string } {
  return {
    status: 500,
    html: page('Something went wrong', [
      'Your answer could not be recorded just now. Please try the link again in a few minutes.',
    ]),
  };
}
