/**
 * How the knowledge search reads words (src/domain/knowledge-index.ts): lower case, common words dropped,
 * and a light English suffix strip so "exports", "exporting" and "exported" are one term. Pure.
 */
const STOP_WORDS = new Set(
  (
    'a about after all also am an and any are as at be been but by can cannot could did do does doing for from get ' +
    'got had has have hello hi how i if im in into is it its just me my no not of on or our out please re fw fwd ' +
    'so some still than that the their them then there these they this to too up us was we were what when where ' +
    'which while who why will with would you your'
  ).split(' '),
);

/** One search term from one word, or null for a word not worth indexing. */
export function searchTerm(word: string): string | null {
  const w = word.toLowerCase();
  if (w.length < 2 || STOP_WORDS.has(w)) return null;
  return stem(w);
}

function stem(w: string): string {
  if (w.length <= 4 || /\d/.test(w)) return w;
  if (w.endsWith('ies') && w.length > 5) return `${w.slice(0, -3)}y`;
  for (const suffix of ['ing', 'ed', 'es', 's']) {
    if (!w.endsWith(suffix)) continue;
    if (suffix === 's' && /(ss|us|is)$/.test(w)) return w;
    const base = w.slice(0, -suffix.length);
    // "es" only after s, x, z, ch, sh ("fixes", "pushes"); else it is the "s" of a word ending in e ("files").
    if (suffix === 'es' && !/(s|x|z|ch|sh)$/.test(base)) continue;
    if (base.length < 3) return w;
    // "stopped" → "stop", "running" → "run".
    return /([bdgmnprt])\1$/.test(base) ? base.slice(0, -1) : base;
  }
  return w;
}

/** The words of a text, as the search splits them (letters and digits). */
export function words(text: string): string[] {
  return text.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

/** The distinct search terms of a text. */
export function searchTerms(text: string): string[] {
  return [
    ...new Set(
      words(text)
        .map(searchTerm)
        .filter((t): t is string => t !== null),
    ),
  ];
}

/**
 * A short passage of `text` around its first word whose term is in `terms` (what the search matched), cut
 * at word boundaries with "…"; the text's start when nothing matches. Whitespace is folded to one line.
 */
export function snippet(text: string, terms: readonly string[], max = 180): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const wanted = new Set(terms);
  let at = -1;
  for (const m of flat.matchAll(/[\p{L}\p{N}]+/gu)) {
    const term = searchTerm(m[0]);
    if (term && wanted.has(term)) {
      at = m.index;
      break;
    }
  }
  let start = at < 0 ? 0 : Math.max(0, at - Math.floor(max / 3));
  if (start > 0) start = flat.indexOf(' ', start) + 1 || start;
  let end = Math.min(flat.length, start + max);
  if (end < flat.length) end = flat.lastIndexOf(' ', end) > start ? flat.lastIndexOf(' ', end) : end;
  return `${start > 0 ? '…' : ''}${flat.slice(start, end).trim()}${end < flat.length ? '…' : ''}`;
}
