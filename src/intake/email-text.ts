import { htmlToPlain, markQuotedHtml } from './email-html.js';
import { extractReply } from './reply-parser.js';

/** Longest ticket subject and body kept from a mail (the webhook intake has the same limits). */
export const MAX_SUBJECT = 250;
export const MAX_BODY = 100_000;

/** The plain-text body: the text part when there is one, else the HTML part converted. */
export function plainBody(text: string | undefined, html: string | undefined): string {
  const fromText = normaliseNewlines(text ?? '').trim();
  if (fromText) return fromText;
  return html ? normaliseNewlines(htmlToPlain(html)) : '';
}

function normaliseNewlines(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(/\n{3,}/g, '\n\n');
}

/**
 * What the requester wrote in a reply, without the history it quotes, its quote headers, signature and
 * device line (see docs/email-replies.md). The text part when there is one; else the HTML, whose quote
 * containers are marked on the DOM first. '' when the mail only quotes.
 */
export function replyText(text: string | undefined, html: string | undefined): string {
  if (text?.trim()) return extractReply(text);
  return html ? extractReply(htmlToPlain(markQuotedHtml(html))) : '';
}

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
