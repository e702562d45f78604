import { z } from 'zod';
import type { AppContext } from '../context.js';
import { applyIssueStatus } from '../domain/bug-status.js';
import { jiraIssueState } from '../domain/bug-refs.js';
import { MAX_DELIVERY_AGE_MS, type DeliveryOutcome } from './github.js';

const jiraEvent = z.object({
  timestamp: z.number(),
  webhookEvent: z.string(),
  issue: z
    .object({
      key: z.string().regex(/^[A-Z][A-Z0-9_]+-\d+$/),
      fields: z
        .object({
          status: z.object({ name: z.string(), statusCategory: z.object({ key: z.string() }).optional() }).optional(),
        })
        .optional(),
    })
    .optional(),
});

/** One verified Jira delivery: an issue's status tells its bug whether it is done (fixed) or open again. */
export async function handleJiraDelivery(
  ctx: AppContext,
  d: { deliveryId: string; payload: unknown },
): Promise<DeliveryOutcome> {
  const parsed = jiraEvent.safeParse(d.payload);
  if (!parsed.success)
    return {
      status: 'invalid',
      problem: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    };
  const p = parsed.data;
  // Jira retries a failed delivery for a while, but never an hour later: older ones are replays.
  const age = ctx.clock.now().getTime() - p.timestamp;
  if (age > MAX_DELIVERY_AGE_MS || age < -5 * 60_000) return { status: 'stale' };
  const status = p.issue?.fields?.status;
  if (!p.issue || !status || !/^jira:issue_(updated|created)$/.test(p.webhookEvent))
    return { status: 'done', outcome: 'ignored' };
  const change = {
    tracker: 'jira' as const,
    ref: p.issue.key,
    deliveryId: d.deliveryId,
    state: jiraIssueState(status.statusCategory?.key),
    status: status.name,
  };
  return { status: 'done', outcome: await applyIssueStatus(ctx, change) };
}
