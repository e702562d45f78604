/**
 * What one line of a reply is, judged from the line (and, for a few kinds, the lines after it). These rules
 * complement email-reply-parser's own (see reply-parser.ts and docs/email-replies.md): they recognise what it
 * misses and reject what it over-matches. Kept as shapes, not lists of clients: a quote header is a date or an
 * address next to a "wrote" verb or a trailing "<address>:"; a header block is two or more "Field: value" lines.
 */

const ADDRESS = String.raw`[^\s<>@"'()\[\],;:]+@[^\s<>@"'()\[\],;:]+\.[^\s<>@"'()\[\],;:]+`;
const HAS_ADDRESS = new RegExp(ADDRESS);
/** A clock time (10:12, 10h12), a year (1990–2099) or a numeric date (05/03/2024, 2024-03-05, 5.3.2024, 2024年). */
const DATE_OR_TIME = /\d{1,2}[:h]\d{2}\b|\b(?:19|20)\d{2}\b|\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b|\d\s*[年月日년월일]/;
const COLON = '[:：]';

/** "wrote" in the languages clients write quote headers in; the header ends with it (and a colon, mostly). */
const WROTE = [
  'wrote',
  'writes',
  'a écrit',
  'écrit',
  'escribió',
  'escreveu',
  'schrieb',
  'ha scritto',
  'scritto',
  'schreef',
  'skrev',
  'skrifaði',
  'kirjoitti',
  'napisał\\(a\\)',
  'napisała',
  'napisał',
  'napsal\\(a\\)',
  'napsal',
  'napísal',
  'написал\\(а\\)',
  'написала',
  'написал',
  'написав',
  'пишет',
  'yazdı',
  'írta',
  'a scris',
  'napisao',
  'έγραψε',
  'כתב',
  'كتب',
  '写道',
  '寫道',
  '작성',
  'のメッセージ',
  '書きました',
].join('|');
const ENDS_WITH_WROTE = new RegExp(`(?:^|[\\s,>"')\\]])(?:${WROTE})\\s*${COLON}?\\s*$`, 'iu');
/** "…Ada <ada@example.com> wrote:", "…<ada@example.com> a écrit :": the verb right after an address. */
const ADDRESS_THEN_WROTE = new RegExp(`${ADDRESS}\\s*[>\\])"']?\\s*(?:${WROTE})\\s*${COLON}?\\s*$`, 'iu');
/** Gmail in many languages ends the header with the address: "вт, 5 мар. 2024 г. в 10:12, Support <help@…>:". */
const ENDS_WITH_ADDRESS = new RegExp(
  `(?:<\\s?(?:mailto:)?${ADDRESS}\\s?>|\\[mailto:${ADDRESS}\\])\\s*${COLON}\\s*$`,
  'iu',
);

/** Outlook's "-----Original Message-----" in its languages: a dashed line naming the original. */
const ORIGINAL_WORDS = [
  'original',
  'origine',
  'ursprüng',
  'oorspr',
  'ursprung',
  'oprindelig',
  'opprinnelig',
  'alkuperäinen',
  'původní',
  'oryginaln',
  'исходн',
  '原始',
  '元の',
  'eredeti',
  'orijinal',
].join('|');
const ORIGINAL_MESSAGE = new RegExp(`^\\s*-{2,}\\s*(?=[^-]*(?:${ORIGINAL_WORDS}))[^-]{3,60}?\\s*-{2,}\\s*$`, 'iu');

const FROM_FIELD = `(?:${[
  'From',
  'De',
  'Von',
  'Van',
  'Da',
  'Från',
  'Fra',
  'Frá',
  'Od',
  'От',
  'Від',
  'Feladó',
  'Lähettäjä',
  'Kimden',
  'Expéditeur',
  'Remitente',
  'Remetente',
  '差出人',
  '发件人',
  '發件人',
  '寄件者',
  '보낸 사람',
].join('|')})`;
const OTHER_FIELD = [
  'Sent',
  'Date',
  'To',
  'Cc',
  'Subject',
  'Envoyé(?: le)?',
  'À',
  'A',
  'Objet',
  'Copie à',
  'Gesendet',
  'Datum',
  'An',
  'Betreff',
  'Verzonden',
  'Verstuurd',
  'Aan',
  'Onderwerp',
  'Inviato',
  'Data',
  'Oggetto',
  'Enviado(?: el)?',
  'Enviada',
  'Fecha',
  'Para',
  'Asunto',
  'Assunto',
  'Skickat',
  'Till',
  'Ämne',
  'Sendt',
  'Til',
  'Emne',
  'Wysłano',
  'Do',
  'Temat',
  'Отправлено',
  'Дата',
  'Кому',
  'Тема',
  'Надіслано',
  '送信日時',
  '日時',
  '宛先',
  '件名',
  '发送时间',
  '时间',
  '收件人',
  '主题',
  '日期',
  '寄件日期',
  '收件者',
  '主旨',
  'Lähetetty',
  'Vastaanottaja',
  'Aihe',
  'Elküldve',
  'Címzett',
  'Tárgy',
  'Gönderildi',
  'Kime',
  'Konu',
  'Odesláno',
  'Komu',
  'Předmět',
].join('|');
/** A mail header line as clients print it above quoted history, plain or bold ("*From:* …"). */
const FROM_LINE = new RegExp(`^\\s*\\*?${FROM_FIELD}\\s*\\*?\\s*${COLON}\\s*\\*?\\s*\\S`, 'iu');
const FIELD_LINE = new RegExp(`^\\s*\\*?(?:${OTHER_FIELD})\\s*\\*?\\s*${COLON}`, 'iu');
/** Any short "Field: value" line ("Message du : 12/12/2016 13:20"), which may sit just above a From: line. */
const ANY_FIELD_LINE = /^\s*\*?[\p{L}][\p{L} .'-]{0,24}\*?\s?[:：]\s?\S/u;

/** A horizontal rule typed as text: Outlook's dashed line, mailing-list underscores, "=====". */
const RULE = /^\s*(?:[-_=*]\s?){5,}\s*$/;
/** "-- " (the standard delimiter), "--", "—", and "-- Tim". */
const SIG_DELIMITER = /^\s*(?:--|—|–)\s*$|^--\s?\p{Lu}[\p{L}.'’-]*(?:\s\p{Lu}[\p{L}.'’-]*){0,3}\s*$/u;
/** A one-line sign-off: "-Ada", "-Abhishek Kona", "~Ada" (no space after the dash: "- Chrome" is a bullet). */
const DASH_NAME = /^\s*[-~]\p{Lu}[\p{L}.'’-]*(?:\s\p{Lu}[\p{L}.'’-]*){0,3}\s*$/u;
/** Mailing-list and group footers that follow a rule or a delimiter. */
const LIST_FOOTER = /mailing list|listinfo|unsubscribe|subscribed to|abonniert|désinscri|darse de baja|Google Groups/i;

const SENT_WORD = `(?:${[
  'Sent',
  'Envoyé',
  'Enviado',
  'Gesendet',
  'Verstuurd',
  'Verzonden',
  'Sendt',
  'Skickat',
  'Inviato',
  'Wysłane',
  'Odesláno',
  'Lähetetty',
  'Отправлено',
  'Надіслано',
  'Gönderildi',
].join('|')})`;
const DEVICE_LINE = new RegExp(
  [
    `^${SENT_WORD}\\s+(?:from|via|with|by|on|using|de|depuis|desde|do|da|von|vanaf|met|fra|från|z|ze|с|з|från min)\\b`,
    '^Von meine[mr]?\\s.+\\sgesendet$',
    '^(?:Get|Télécharger|Obtener|Baixe o|Scarica) Outlook\\b',
    '^.{1,30}から送信$',
    '^发自我的',
    '^Envoyé de mon\\b',
  ].join('|'),
  'iu',
);

/** "Sent from my iPhone", "Envoyé de mon iPad", "Get Outlook for iOS": short, and no sentence follows. */
export function isDeviceLine(line: string): boolean {
  const text = line.trim();
  if (!DEVICE_LINE.test(text) || text.length > 80) return false;
  // "Sent from my desk, is much easier than my phone." is a sentence, not a device line.
  return text.split(/\s+/).length <= 8 && !/[,;!?]|\.\s/.test(text.replace(/[.!]$/, ''));
}

export function hasDateOrAddress(line: string): boolean {
  return DATE_OR_TIME.test(line) || HAS_ADDRESS.test(line);
}

/**
 * A quote header on one line ("On …, Ada <ada@…> wrote:", "Le … a écrit :", "2024年3月5日 10:12 Ada <ada@…>:").
 * A sentence that merely ends in "wrote:" is not one: a date must open the line (within its first four words)
 * or an address must stand right before the verb.
 */
export function isQuoteHeader(line: string): boolean {
  const text = line
    .trim()
    .replace(/^[-*]+\s*/, '')
    .replace(/\s*-+$/, '');
  if (!text || text.length > 400 || text.startsWith('>')) return false;
  if (ENDS_WITH_ADDRESS.test(text)) return DATE_OR_TIME.test(text);
  if (!ENDS_WITH_WROTE.test(text)) return false;
  if (ADDRESS_THEN_WROTE.test(text)) return true;
  return opensWithDate(text);
}

/** A date within the first four words ("On Tue, 5 Mar…", "2013.02.08. 7:31…"), not "On the old server". */
export function opensWithDate(text: string): boolean {
  return /\d/.test(text.trim().split(/\s+/).slice(0, 4).join(' ')) && DATE_OR_TIME.test(text);
}

/** "-----Original Message-----" and its translations; Zoho's "---- On … wrote ----" is a header in dashes. */
export function isOriginalMessageRule(line: string): boolean {
  if (ORIGINAL_MESSAGE.test(line)) return true;
  const inner = /^\s*-{2,}\s*(.+?)\s*-{2,}\s*$/.exec(line)?.[1];
  return !!inner && isQuoteHeader(inner);
}

export function isRule(line: string): boolean {
  return RULE.test(line);
}

export function isQuoteLine(line: string): boolean {
  return line.startsWith('>');
}

/**
 * Where a block of mail header lines (Outlook's "From: … Sent: … To: … Subject: …", in its languages) starts
 * at line `i`: a From line with another header field among the next four lines. Returns the first line of
 * the history it opens: "Field: value" lines just above it and a rule above those belong to it.
 */
export function headerBlockStart(lines: readonly string[], i: number): number | undefined {
  if (!FROM_LINE.test(lines[i]!)) return undefined;
  const next = lines.slice(i + 1, i + 5).filter((l) => l.trim());
  if (!next.some((l) => FIELD_LINE.test(l))) return undefined;
  let start = i;
  while (start > 0 && ANY_FIELD_LINE.test(lines[start - 1]!) && !isQuoteLine(lines[start - 1]!)) start--;
  let above = start - 1;
  while (above >= 0 && !lines[above]!.trim()) above--;
  return above >= 0 && (isRule(lines[above]!) || isOriginalMessageRule(lines[above]!)) ? above : start;
}

/**
 * Whether the lines from `i` on, up to the next quote, look like a signature or a footer and not like more of
 * the reply: a dozen short lines at most. Used for the weaker signature marks ("-Ada", a rule, "====").
 */
export function onlyTrailerFollows(lines: readonly string[], i: number): boolean {
  let count = 0;
  for (let j = i + 1; j < lines.length && !isQuoteLine(lines[j]!); j++) {
    const line = lines[j]!.trim();
    if (!line) continue;
    if (isQuoteHeader(line) || isOriginalMessageRule(line) || headerBlockStart(lines, j) !== undefined) break;
    if (++count > 12 || line.length > 120) return false;
  }
  return true;
}

/** Where a signature starts at line `i` by Deskbell's own rules (email-reply-parser knows "--" and a few more). */
export function startsSignature(lines: readonly string[], i: number): boolean {
  const line = lines[i]!;
  if (SIG_DELIMITER.test(line)) return true;
  if (isDeviceLine(line) || DASH_NAME.test(line)) return onlyTrailerFollows(lines, i);
  if (!isRule(line)) return false;
  // A rule followed by a mailing-list footer; a rule inside the requester's own text stays.
  const after = lines.slice(i + 1, i + 6).join('\n');
  return LIST_FOOTER.test(after) && onlyTrailerFollows(lines, i);
}
