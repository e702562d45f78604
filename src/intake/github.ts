import { z } from 'zod';
import type { AppContext } from '../context.js';
import { applyIssueStatus } from '../domain/bug-status.js';
import { githubIssueState, githubStatusText } from '../domain/bug-refs.js';
import { githubAddress, issueTicketKey, issueToTicket } from '../domain/github-intake.js';
import { addRequesterReply } from '../domain/requester-reply.js';
import { createTicket } from '../domain/tickets.js';

const user = z.object({ id: z.number(), login: z.string().max(100) });
const issue = z.object({
  number: z.number().int().positive(),
  title: z.string().max(1000),
  body: z.string().nullish(),
  html_url: z.string().max(500),
  state: z.string(),
  state_reason: z.string().nullish(),
  updated_at: z.string(),
  user,
  labels: z.array(z.union([z.object({ name: z.string() }), z.string()])).default([]),
  pull_request: z.unknown().optional(),
});
const repository = z.object({ full_name: z.string() });
const issuesEvent = z.object({
  action: z.string(),
  issue,
  label: z.object({ name: z.string() }).optional(),
  repository,
});
const commentEvent = z.object({
  action: z.string(),
  issue,
  comment: z.object({ id: z.number(), body: z.string().nullish(), user, updated_at: z.string() }),
  repository,
});

/** Deskbell's own issues and comments carry this: they are never taken as a customer's words. */
const OWN_MARKER = '<!-- deskbell:';
/** A delivery whose event is older than this is refused as stale: GitHub delivers within seconds, a replay later. */
export const MAX_DELIVERY_AGE_MS = 60 * 60_000;

export type DeliveryOutcome =
  | { status: 'stale' }
  | { status: 'invalid'; problem: string }
  | { status: 'done'; outcome: string; ticket?: string };

function stale(ctx: AppContext, at: string): boolean {
  const age = ctx.clock.now().getTime() - new Date(at).getTime();
  return !Number.isFinite(age) || age > MAX_DELIVERY_AGE_MS || age < -5 * 60_000;
}

/**
 * One verified GitHub delivery: an issue's state tells a linked bug it was fixed or reopened; with
 * GITHUB_INTAKE_LABEL, a labelled issue becomes a ticket and its author's comments join it. A replay
 * (the same delivery, the same issue or comment) changes nothing.
 */
export async function handleGithubDelivery(
  ctx: AppContext,
  d: { event: string; deliveryId: string; payload: unknown },
): Promise<DeliveryOutcome> {
  if (d.event === 'ping') return { status: 'done', outcome: 'pong' };
  const schema = d.event === 'issues' ? issuesEvent : d.event === 'issue_comment' ? commentEvent : undefined;
  if (!schema) return { status: 'done', outcome: `ignored: ${d.event} events are not used` };
  const parsed = schema.safeParse(d.payload);
  if (!parsed.success)
    return {
      status: 'invalid',
      problem: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    };
  const p = parsed.data;
  if (stale(ctx, 'comment' in p ? p.comment.updated_at : p.issue.updated_at)) return { status: 'stale' };
  const repo = ctx.config.GITHUB_REPOSITORY;
  if (!repo || p.repository.full_name.toLowerCase() !== repo.toLowerCase() || p.issue.pull_request)
    return { status: 'done', outcome: 'ignored: not an issue of GITHUB_REPOSITORY' };
  if ('comment' in p) return commentDelivery(ctx, p);
  const ev = p as z.infer<typeof issuesEvent>;
  if (ev.action === 'closed' || ev.action === 'reopened') {
    const change = {
      tracker: 'github' as const,
      ref: `${repo}#${ev.issue.number}`,
      deliveryId: d.deliveryId,
      state: githubIssueState(ev.issue),
      status: githubStatusText(ev.issue),
    };
    return { status: 'done', outcome: await applyIssueStatus(ctx, change) };
  }
  const label = ctx.config.GITHUB_INTAKE_LABEL;
  const labelled =
    ev.action === 'labeled'
      ? ev.label?.name === label
      : ev.action === 'opened' && ev.issue.labels.some((l) => (typeof l === 'string' ? l : l.name) === label);
  if (!label || !labelled || ev.issue.body?.includes(OWN_MARKER)) return { status: 'done', outcome: 'ignored' };
  const { ticket, created } = await createTicket(
    ctx,
    issueToTicket({
      repository: repo,
      number: ev.issue.number,
      title: ev.issue.title,
      body: ev.issue.body ?? '',
      url: ev.issue.html_url,
      user: ev.issue.user,
    }),
  );
  return { status: 'done', outcome: created ? 'ticket created' : 'duplicate', ticket: ticket.key };
}

/** The issue author's new comment joins their ticket like an email reply; anyone else's is not theirs to add. */
async function commentDelivery(ctx: AppContext, p: z.infer<typeof commentEvent>): Promise<DeliveryOutcome> {
  if (p.action !== 'created' || !ctx.config.GITHUB_INTAKE_LABEL) return { status: 'done', outcome: 'ignored' };
  const body = p.comment.body ?? '';
  if (p.comment.user.id !== p.issue.user.id || body.includes(OWN_MARKER))
    return { status: 'done', outcome: 'ignored: not the author' };
  const ticket = await ctx.models.Ticket.findOne(
    { idempotencyKeys: issueTicketKey(ctx.config.GITHUB_REPOSITORY!, p.issue.number) },
    { _id: 1, key: 1 },
  ).lean();
  if (!ticket) return { status: 'done', outcome: 'ignored: no ticket for this issue' };
  const outcome = await addRequesterReply(ctx, String(ticket._id), {
    from: { email: githubAddress(p.comment.user), name: p.comment.user.login },
    text: body.slice(0, 100_000),
    dedupeKey: `github:comment:${p.comment.id}`,
    attachments: [],
    matchedBy: 'thread',
  });
  return { status: 'done', outcome: outcome.changed ? 'reply added' : 'duplicate', ticket: ticket.key };
}
