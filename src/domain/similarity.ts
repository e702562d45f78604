/**
 * How Deskbell decides that two tickets are "the same problem", cheaply enough to run on every new ticket:
 * a signature computed once from the ticket, stored on it and indexed, so detecting a storm is one
 * indexed count. Two tickets are similar when their signatures are equal.
 *
 * - A webhook that names the alert (`metadata.fingerprint`, as monitoring tools send) is identified by it.
 * - Otherwise the subject's distinctive terms: lower-cased, reply/forward prefixes and ticket numbers removed,
 *   every token containing a digit dropped (order numbers, error ids, times), common words dropped, and the
 *   remaining words sorted and de-duplicated. "Checkout fails for order 51234" and "RE: checkout FAILS —
 *   order #77" both become `checkout fails order`.
 * A subject left with fewer than two distinctive words ("Help!", "Question") gets no signature: too vague
 * to group on.
 */
const STOP_WORDS = new Set(
  'a an and are at be but by can could do does for from have hello hi i im in is it its me my of on or our please re fw fwd aw wg so that the there this to us was we were when why with you your'.split(
    ' ',
  ),
);

export function similarityOf(input: {
  source: string;
  subject: string;
  metadata?: Record<string, unknown> | null;
}): string | undefined {
  const fingerprint = input.metadata?.fingerprint;
  if (input.source === 'webhook' && typeof fingerprint === 'string' && fingerprint.trim())
    return `fp:${fingerprint.trim().toLowerCase().slice(0, 200)}`;
  const words = subjectTerms(input.subject);
  return words.length >= 2 ? `subj:${words.join(' ')}` : undefined;
}

export function subjectTerms(subject: string): string[] {
  const cleaned = subject
    .toLowerCase()
    .replace(/^\s*((re|fwd?|aw|wg)\s*:\s*)+/i, '')
    .replace(/\[?sup-\d+\]?/g, ' ')
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/\S+@\S+/g, ' ');
  const tokens = cleaned
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t && !/\d/.test(t) && !STOP_WORDS.has(t) && t.length > 1);
  return [...new Set(tokens)].sort().slice(0, 12);
}
