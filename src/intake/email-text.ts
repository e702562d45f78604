import { convert } from 'html-to-text';

/** Longest ticket subject and body kept from a mail (the webhook intake has the same limits). */
export const MAX_SUBJECT = 250;
export const MAX_BODY = 100_000;

/** HTML mail as readable plain text: links keep their address, images and styles disappear. */
export function htmlToPlain(html: string): string {
  return convert(html, {
    wordwrap: false,
    selectors: [
      { selector: 'img', format: 'skip' },
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true, ignoreHref: false } },
      { selector: 'h1', options: { uppercase: false } },
      { selector: 'h2', options: { uppercase: false } },
      { selector: 'h3', options: { uppercase: false } },
      { selector: 'table', format: 'dataTable' },
    ],
  }).trim();
}

/** The plain-text body: the text part when there is one, else the HTML part converted. */
export function plainBody(text: string | undefined, html: string | undefined): string {
  const fromText = normaliseNewlines(text ?? '').trim();
  if (fromText) return fromText;
  return html ? normaliseNewlines(htmlToPlain(html)) : '';
}

function normaliseNewlines(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(/\n{3,}/g, '\n\n');
}

const WROTE = /^\s*(on|am|le|el|op|il)\b.{0,300}\b(wrote|schrieb|a écrit|escribió|schreef|ha scritto)\s*:\s*$/i;
const ORIGINAL_MESSAGE = /^\s*-{2,}\s*(original message|ursprüngliche nachricht|message d'origine|mensaje original)\s*-{2,}\s*$/i;
const RULE = /^\s*_{10,}\s*$/;
const OUTLOOK_FROM = /^\s*\*?(from|von|de):\*?\s.+$/i;
const OUTLOOK_SENT = /^\s*\*?(sent|date|gesendet|envoyé|enviado):/i;

/** Where a reply's quoted history starts: "On … wrote:", Outlook's separators and header block, the signature. */
function startsHistory(line: string, next: string | undefined): boolean {
  if (line === '-- ' || ORIGINAL_MESSAGE.test(line) || RULE.test(line) || WROTE.test(line)) return true;
  // "On Mon, 2 Mar 2026, Ada <ada@example.com>" / "wrote:" is often wrapped over two lines.
  if (next !== undefined && /^\s*wrote:\s*$/i.test(next) && WROTE.test(`${line} ${next}`)) return true;
  return OUTLOOK_FROM.test(line) && next !== undefined && OUTLOOK_SENT.test(next);
}

/**
 * A reply without the history it quotes, so the thread note shows what the requester just wrote. Cuts at
 * the first history marker and drops trailing ">"-quoted lines. When trimming would leave nothing (a reply
 * written inline between quotes), the whole text is kept.
 */
export function trimQuotedReply(text: string): string {
  const lines = normaliseNewlines(text).split('\n');
  let end = lines.findIndex((line, i) => startsHistory(line, lines[i + 1]));
  if (end < 0) end = lines.length;
  while (end > 0 && (/^\s*>/.test(lines[end - 1]!) || !lines[end - 1]!.trim())) end--;
  const trimmed = lines.slice(0, end).join('\n').trim();
  return trimmed || text.trim();
}

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
