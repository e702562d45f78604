import { readJsonFile, validFile } from './settings-file.js';
import { z } from 'zod';
import { CATEGORIES, PRIORITIES, type Category, type Priority } from './types.js';

/** Keyword rules that suggest a priority and a category from a ticket's text (PRODUCT.md defaults). */
export interface TriageRules {
  priority: Record<Priority, string[]>;
  category: Record<Category, string[]>;
}

export const DEFAULT_TRIAGE_RULES: TriageRules = {
  priority: {
    P0: ['outage', 'down', '500', 'security', 'breach', 'data loss', 'vulnerability', 'unreachable'],
    P1: ['broken', 'fails', 'failing', 'cannot', "can't", 'api error', 'integration'],
    P2: ['slow', 'sometimes', 'workaround', 'configuration', 'intermittent'],
    P3: ['typo', 'cosmetic', 'feature request', 'question', 'alignment', 'enhancement'],
  },
  category: {
    bug: ['error', 'bug', 'crash', 'broken', 'fails', '500', 'down', 'outage', 'not working', 'exception'],
    account: ['login', 'log in', 'password', 'access', 'account', 'sso', '2fa', 'locked out', 'permission'],
    feature_request: ['feature request', 'would be nice', 'please add', 'enhancement', 'could you add', 'wish'],
    feedback: ['complaint', 'feedback', 'disappointed', 'unhappy', 'frustrated', 'refund'],
    question: ['how do i', 'how to', 'how can i', 'question', 'where can i', 'is it possible'],
  },
};

const keywordList = z.array(z.string().trim().min(1)).max(200);
export const triageRulesSchema = z
  .object({
    priority: z.partialRecord(z.enum(PRIORITIES), keywordList).optional(),
    category: z.partialRecord(z.enum(CATEGORIES), keywordList).optional(),
  })
  .strict();

/** Reads TRIAGE_RULES_FILE (a JSON object overriding any priority's or category's keywords); invalid files stop the start. */
export function loadTriageRules(file: string | undefined): TriageRules {
  if (!file) return DEFAULT_TRIAGE_RULES;
  const rules = validFile('TRIAGE_RULES_FILE', file, triageRulesSchema, readJsonFile('TRIAGE_RULES_FILE', file));
  return {
    priority: { ...DEFAULT_TRIAGE_RULES.priority, ...rules.priority },
    category: { ...DEFAULT_TRIAGE_RULES.category, ...rules.category },
  };
}

function matches(text: string, keyword: string): boolean {
  const escaped = keyword.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^a-z0-9])${escaped}($|[^a-z0-9])`, 'i').test(text);
}

/** The most severe priority with a matching keyword, and the category with the most matches. */
export function suggestTriage(
  rules: TriageRules,
  subject: string,
  body: string,
): { priority: Priority | null; category: Category | null } {
  const text = `${subject}\n${body}`.toLowerCase();
  const priority = PRIORITIES.find((p) => rules.priority[p].some((k) => matches(text, k))) ?? null;
  let category: Category | null = null;
  let best = 0;
  for (const c of CATEGORIES) {
    const score = rules.category[c].filter((k) => matches(text, k)).length;
    if (score > best) [category, best] = [c, score];
  }
  return { priority, category };
}
