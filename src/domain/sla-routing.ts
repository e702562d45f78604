import { z } from 'zod';
import { CATEGORIES } from './types.js';

/**
 * Which team's schedule a ticket runs on (`clock: "business"` targets): the first routing rule that matches
 * names it, else the policy's default schedule. A rule matches on one fact of the ticket: its category (set,
 * else suggested), a field of the webhook that opened it (a key of its `metadata`), the support address the
 * mail came to (`support+eu@example.com`), or a Slack user group its assignee was in when assigned.
 */
const when = z
  .object({
    category: z.enum(CATEGORIES).optional(),
    webhookField: z.string().min(1).max(60).optional(),
    equals: z.string().max(500).optional(),
    address: z.email('must be an email address').optional(),
    usergroup: z
      .string()
      .regex(/^S[A-Z0-9]{2,}$/, 'must be a Slack user group ID such as S0123ABCD')
      .optional(),
  })
  .strict()
  .refine(
    (w) => [w.category, w.webhookField, w.address, w.usergroup].filter((x) => x !== undefined).length === 1,
    'needs exactly one of category, webhookField, address, usergroup',
  )
  .refine(
    (w) => (w.webhookField === undefined) === (w.equals === undefined),
    'webhookField goes with equals (the value that routes)',
  );

export const routeSchema = z.object({ when, schedule: z.string().min(1) }).strict();
export type Route = z.infer<typeof routeSchema>;

/** The facts of a ticket that routing reads. */
export interface RoutedTicket {
  category?: string | null;
  suggestedCategory?: string | null;
  source?: string | null;
  metadata?: unknown;
  email?: { to?: string | null } | null;
  /** Routing user groups the assignee belonged to when assigned (src/slack/routing-groups.ts). */
  assigneeGroups?: readonly string[] | null;
}

export function routeTicket(routing: readonly Route[], t: RoutedTicket): string | undefined {
  const category = t.category ?? t.suggestedCategory;
  const to = t.email?.to?.toLowerCase();
  const field = (name: string) =>
    t.source === 'webhook' && t.metadata && typeof t.metadata === 'object'
      ? (t.metadata as Record<string, unknown>)[name]
      : undefined;
  for (const r of routing) {
    const w = r.when;
    const hit =
      (w.category !== undefined && w.category === category) ||
      (w.webhookField !== undefined && String(field(w.webhookField) ?? '\u0000') === w.equals) ||
      (w.address !== undefined && w.address.toLowerCase() === to) ||
      (w.usergroup !== undefined && !!t.assigneeGroups?.includes(w.usergroup));
    if (hit) return r.schedule;
  }
  return undefined;
}

/** The user groups routing rules name: only their members need looking up at assignment. */
export function routingUsergroups(routing: readonly Route[]): string[] {
  return [...new Set(routing.flatMap((r) => (r.when.usergroup ? [r.when.usergroup] : [])))];
}
