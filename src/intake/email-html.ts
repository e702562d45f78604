import render from 'dom-serializer';
import { Element, type ChildNode } from 'domhandler';
import { findAll, getAttributeValue, removeElement, textContent } from 'domutils';
import { convert } from 'html-to-text';
import { parseDocument } from 'htmlparser2';

/**
 * HTML mail as plain text, the one conversion both intake paths use (mailparser's own, wrapped at 80
 * columns, is not used): no wrapping, so a quote header stays on one line; links keep their address; images,
 * styles and rules (`<hr>`) disappear; blockquotes become "> " lines, which the reply parser reads as quotes.
 */
export function htmlToPlain(html: string): string {
  return convert(html, {
    wordwrap: false,
    selectors: [
      { selector: 'img', format: 'skip' },
      { selector: 'hr', format: 'skip' },
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true, ignoreHref: false } },
      { selector: 'h1', options: { uppercase: false } },
      { selector: 'h2', options: { uppercase: false } },
      { selector: 'h3', options: { uppercase: false } },
      { selector: 'table', format: 'dataTable' },
    ],
  }).trim();
}

/** Quote containers clients mark in HTML; each becomes a blockquote (so its text reads as quoted). */
const QUOTE_CLASSES = ['gmail_quote', 'gmail_quote_container', 'yahoo_quoted', 'protonmail_quote', 'moz-cite-prefix'];
/** Where Outlook's quoted history starts: it runs from there to the end of the mail, unmarked. */
const HISTORY_IDS = ['divRplyFwdMsg', 'appendonsend', 'mail-editor-reference-message-container', 'stopSpelling'];
const SIGNATURE_CLASSES = ['gmail_signature', 'gmail_signature_prefix', 'moz-signature'];
/** Outlook desktop's header block: a div with a top border whose text starts with a From field. */
const FROM_FIELD =
  /^\s*(?:From|De|Von|Van|Da|Från|Fra|Od|От|Від|Feladó|Lähettäjä|Kimden|差出人|发件人|寄件者)\s*[:：]/i;

function hasClass(el: Element, names: readonly string[]): boolean {
  const classes = (getAttributeValue(el, 'class') ?? '').split(/\s+/);
  return names.some((n) => classes.includes(n));
}

function startsHistory(el: Element): boolean {
  const id = getAttributeValue(el, 'id') ?? '';
  if (HISTORY_IDS.includes(id) || el.attribs['class']?.split(/\s+/).includes('OutlookMessageHeader')) return true;
  const style = (getAttributeValue(el, 'style') ?? '').replace(/\s+/g, '');
  return el.name === 'div' && /border-top:(?:solid|1px|1\.0pt)/i.test(style) && FROM_FIELD.test(textContent(el));
}

/**
 * The HTML with its quoted history marked as quotes, its signature blocks removed, ready for htmlToPlain:
 * Gmail's gmail_quote, Yahoo's and ProtonMail's quote divs, Thunderbird's cite prefix, Outlook's
 * divRplyFwdMsg/"From: … Sent:" block (and everything after it); Apple Mail's and Thunderbird's
 * `blockquote type=cite` already are blockquotes. What the requester wrote under a quote stays as it is.
 */
export function markQuotedHtml(html: string): string {
  const doc = parseDocument(html);
  for (const el of findAll(
    (e) => hasClass(e, SIGNATURE_CLASSES) || e.attribs['data-smartmail'] === 'gmail_signature',
    doc.children,
  )) {
    removeElement(el);
  }
  const history = findAll(startsHistory, doc.children)[0];
  if (history) quoteToEnd(history);
  for (const el of findAll((e) => e.name !== 'blockquote' && hasClass(e, QUOTE_CLASSES), doc.children)) {
    wrapInBlockquote([el]);
  }
  return render(doc);
}

/** Wraps `from` and everything after it in document order (its later siblings, its ancestors' later ones). */
function quoteToEnd(from: Element): void {
  // Outlook on the web puts an <hr> right before its reply header.
  const start = from.prev instanceof Element && from.prev.name === 'hr' ? from.prev : from;
  let ancestor = wrapInBlockquote(siblingsFrom(start)).parent;
  while (ancestor instanceof Element && ancestor.name !== 'body' && ancestor.name !== 'html') {
    if (ancestor.next) wrapInBlockquote(siblingsFrom(ancestor.next));
    ancestor = ancestor.parent;
  }
}

function siblingsFrom(node: ChildNode): ChildNode[] {
  const nodes: ChildNode[] = [];
  for (let n: ChildNode | null = node; n; n = n.next) nodes.push(n);
  return nodes;
}

/** Puts a run of adjacent siblings inside a new `<blockquote>` standing where they stood. */
function wrapInBlockquote(nodes: ChildNode[]): Element {
  const first = nodes[0]!;
  const last = nodes.at(-1)!;
  const quote = new Element('blockquote', { type: 'cite' });
  const parent = first.parent;
  if (parent) parent.children.splice(parent.children.indexOf(first), nodes.length, quote);
  quote.parent = parent;
  quote.prev = first.prev;
  quote.next = last.next;
  if (quote.prev) quote.prev.next = quote;
  if (quote.next) quote.next.prev = quote;
  quote.children = nodes;
  for (const n of nodes) n.parent = quote;
  first.prev = null;
  last.next = null;
  return quote;
}
