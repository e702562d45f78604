import type { Category } from './types.js';

/** PRODUCT.md's feedback categories, offered on every card unless FEEDBACK_TAGS names others. */
export const DEFAULT_FEEDBACK_TAGS = [
  'feature request',
  'usability issue',
  'documentation gap',
  'bug',
  'praise',
] as const;

/** FEEDBACK_TAGS (already checked by the configuration schema) as a list: trimmed, lower-cased, each once. */
export function feedbackTagList(raw: string | undefined): readonly string[] {
  if (!raw) return DEFAULT_FEEDBACK_TAGS;
  const tags = raw
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
  return [...new Set(tags)];
}

/** The triage rules' category behind a tag: their keywords ("please add", "crash"…) suggest the tag too. */
const TAG_OF_CATEGORY: Partial<Record<Category, string>> = { feature_request: 'feature request', bug: 'bug' };

/**
 * Tags suggested for a ticket, from the existing keyword rules (no second keyword list to keep): the
 * category the rules suggested (or the agent set) when a tag stands for it, and any tag the ticket's own
 * words name ("documentation", "usability"…). Only tags the team uses; none already set.
 */
export function suggestFeedbackTags(
  t: {
    subject: string;
    body?: string | null;
    category?: string | null;
    suggestedCategory?: string | null;
    tags?: readonly string[];
  },
  available: readonly string[],
): string[] {
  const words = new Set(`${t.subject}\n${t.body ?? ''}`.toLowerCase().split(/[^\p{L}\p{N}]+/u));
  const fromRules = [t.category, t.suggestedCategory].map((c) => (c ? TAG_OF_CATEGORY[c as Category] : undefined));
  // A tag's first word when it is distinctive enough ("documentation", "usability", "praise"; not "bug").
  const named = available.filter((tag) => {
    const first = tag.split(' ')[0]!;
    return first.length >= 5 && words.has(first);
  });
  const set = new Set(t.tags ?? []);
  return [...new Set([...fromRules, ...named])].filter(
    (tag): tag is string => !!tag && available.includes(tag) && !set.has(tag),
  );
}
