import EmailReplyParser from 'email-reply-parser';
import {
  hasDateOrAddress,
  headerBlockStart,
  isDeviceLine,
  isOriginalMessageRule,
  isQuoteHeader,
  isQuoteLine,
  onlyTrailerFollows,
  opensWithDate,
  startsSignature,
} from './reply-lines.js';

/**
 * email-reply-parser (the port of GitHub's EmailReplyParser) splits a reply into fragments, bottom up: runs of
 * ">" quotes, a quote header with the unquoted history under it, a signature with what follows it. It only
 * splits where its own patterns match, and those both miss (headers wrapped over lines, "<address>:" headers,
 * Outlook's header block, "-Name") and over-match (any line starting "Sent from", "On … wrote:" sentences).
 * So each line is judged first, by its patterns (asked one line at a time) vetted by ours and by ours alone,
 * and the parser is handed the text's structure: a token for each line it must not split at, and at each split
 * point a canonical marker it always recognises.
 */
const TOKEN = '\u2060';
const TOKEN_PATTERN = /^>?\u2060(\d+)\u2060$/gm;
const HISTORY_MARK = 'On 1 Jan 2000 00:00, Deskbell <history@deskbell.invalid> wrote:';
const SIGNATURE_MARK = '-- ';
/** Longest text judged line by line; a longer mail keeps its tail (the full message is stored anyway). */
const MAX_EXTRACT_CHARS = 60_000;

type Mark = 'history' | 'signature';

const parser = new EmailReplyParser();

/** What the reply without quotes, quote headers, quoted history and signatures says ('' when nothing). */
export function extractReply(text: string): string {
  const cut =
    text.length > MAX_EXTRACT_CHARS ? text.lastIndexOf('\n', MAX_EXTRACT_CHARS) + 1 || MAX_EXTRACT_CHARS : text.length;
  const lines = joinWrappedHeaders(normalise(text.slice(0, cut)).split('\n'));
  const marks = markLines(lines);
  // Each line of text goes to the parser as a token naming it: the parser sees only the structure (blank
  // lines, quotes, the marks), so none of its patterns can match (or backtrack through) what a line says.
  const prepared = [''];
  lines.forEach((line, i) => {
    if (marks[i] === 'history') prepared.push('', HISTORY_MARK);
    else if (marks[i] === 'signature') prepared.push(SIGNATURE_MARK);
    else if (!line.trim()) prepared.push('');
    else prepared.push(`${isQuoteLine(line) ? '>' : ''}${TOKEN}${i}${TOKEN}`);
  });
  const visible = parser
    .read(prepared.join('\n'))
    .getFragments()
    .filter((f) => !f.isHidden())
    .map((f) => tidy(f.getContent().replace(TOKEN_PATTERN, (_, i: string) => lines[Number(i)]!)))
    .filter(Boolean);
  // Text after MAX_EXTRACT_CHARS was never judged: it is kept as it came.
  const rest = normalise(text.slice(cut)).trimEnd();
  return [visible.join('\n\n'), rest].filter(Boolean).join('\n');
}

function normalise(text: string): string {
  return (
    text
      .replace(/\r\n?/g, '\n')
      .replace(/[\u00a0\u2007\u202f]/g, ' ')
      .replace(/[\u200b\u2060\ufeff]/g, '')
      // Gmail sometimes wraps "…<ada@example.com" / ">:" apart; put the address back together.
      .replace(/(<[^<>\s]+@[^<>\s]+)\n(>)/g, '$1$2')
      .replace(/[ \t]+$/gm, '')
  );
}

function tidy(fragment: string): string {
  return fragment
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const JOINABLE = (line: string | undefined) => !!line?.trim() && !isQuoteLine(line) && line.length <= 200;

/**
 * A quote header wrapped over two or three lines ("On Tue, …, Chris Wanstrath\n<notifications@github.com>
 * wrote:") as one line. The shortest join that makes a header wins, so a line of the reply above a header
 * that is complete on its own is never swallowed; lines above a complete header join only when the result
 * still opens with a date ("On Nov 21, 2014,\nat 10:18,\nJohn <john@…> wrote:").
 */
export function joinWrappedHeaders(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    out.push(line);
    if (!JOINABLE(line)) continue;
    let size = isQuoteHeader(line) ? 1 : 0;
    for (let k = 2; !size && k <= 3; k++) {
      const tail = out.slice(-k);
      if (tail.length === k && tail.every(JOINABLE) && isQuoteHeader(tail.join(' '))) size = k;
    }
    if (!size) continue;
    // Lines above a complete header: "On Nov 21, 2014,\nat 10:18,\nJohn <john@…> wrote:" or the date part of
    // "…Corey Donohoe\n<reply@…>\nwrote:"; never a line of the reply above a header that opens with its date.
    while (size < 4) {
      const header = out.slice(-size).join(' ');
      const above = out[out.length - size - 1];
      const joined = `${above} ${header}`;
      if (!JOINABLE(above) || !/\d/.test(above!) || !isQuoteHeader(joined) || !opensWithDate(joined)) break;
      // A date fragment: short, ends with a comma, its number within its first three words ("at 10:18,").
      const fragment = above!.length <= 40 && above!.trimEnd().endsWith(',') && /^\s*(?:\S+\s+){0,2}\S*\d/.test(above!);
      if (opensWithDate(header) && !fragment) break;
      size++;
    }
    if (size > 1) out.push(out.splice(-size).join(' ').replace(/\s+/g, ' '));
  }
  return out;
}

/** Where the quoted history and the signatures start, line by line. */
function markLines(lines: readonly string[]): Array<Mark | undefined> {
  const marks: Array<Mark | undefined> = [];
  const verdicts = new Map<string, Mark | undefined>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.trim() || isQuoteLine(line)) continue;
    const block = headerBlockStart(lines, i);
    if (block !== undefined) {
      marks.fill(undefined, block, i);
      marks[block] = 'history';
      continue;
    }
    if (isQuoteHeader(line) || isOriginalMessageRule(line)) marks[i] = 'history';
    else if (startsSignature(lines, i)) marks[i] = 'signature';
    else marks[i] = vetted(libraryVerdict(line, verdicts), lines, i);
  }
  return marks;
}

/**
 * The library's own verdict on a line, asked with the line alone between two neutral ones: a signature line
 * hides itself and what follows; a quote header after a blank line does the same.
 */
function libraryVerdict(line: string, cache: Map<string, Mark | undefined>): Mark | undefined {
  if (line.length > 300) return undefined;
  if (cache.has(line)) return cache.get(line);
  let verdict: Mark | undefined;
  if (parser.parseReply(`x\n${line}\ny`).trim() === 'x') verdict = 'signature';
  else if (parser.parseReply(`x\n\n${line}\ny`).trim() === 'x') verdict = 'history';
  cache.set(line, verdict);
  return verdict;
}

/**
 * The library's verdict, checked: a header needs a date or an address (not "On the old server, as Bob
 * wrote:"); a device line must be one ("Sent from my desk, is much easier…" is a sentence); any other
 * signature mark must be followed by a signature, not by more of the reply.
 */
function vetted(verdict: Mark | undefined, lines: readonly string[], i: number): Mark | undefined {
  const line = lines[i]!.trim();
  if (verdict === 'history') return hasDateOrAddress(line) ? 'history' : undefined;
  if (verdict !== 'signature') return undefined;
  if (/^(?:sent|envoy|enviado|gesendet|von|sendt|verzonden|verstuurd|get outlook|télécharger)/i.test(line)) {
    return isDeviceLine(line) && onlyTrailerFollows(lines, i) ? 'signature' : undefined;
  }
  return onlyTrailerFollows(lines, i) ? 'signature' : undefined;
}
