import type { AppContext } from '../context.js';
import { DeliveryKinds, OnceKeys } from '../db/once-keys.js';
import { issueCommentText, issueRefOfTicket } from '../domain/github-intake.js';
import { noteIssueCommentRefused } from '../domain/github-replies.js';
import { commentOnce } from '../trackers/once.js';
import { trackerFailure } from '../trackers/types.js';

type Job = { name: string; data: Record<string, string> };

/**
 * GitHub Issues as a support channel: what an event of a GitHub ticket says to its requester (a reply, a
 * resolution) becomes one comment on the issue, and a resolution closes the issue with GITHUB_INTAKE_CLOSE.
 * Internal notes never get here: they carry no words for the requester.
 */
export async function postIssueComment(ctx: AppContext, ticketId: string, eventId: string, job: Job): Promise<void> {
  const ticket = await ctx.models.Ticket.findById(ticketId);
  const event = ticket?.timeline.find((e) => String(e._id) === eventId);
  const ref = ticket ? issueRefOfTicket(ticket) : undefined;
  const github = ctx.trackers.github;
  if (!ticket || !event || !ref) return;
  if (!github) {
    ctx.logger.error(
      { ticket: ticket.key },
      'a GitHub ticket was answered but GitHub is not configured; the comment is not posted',
    );
    return;
  }
  const text = issueCommentText(event, ticket.key);
  const key = OnceKeys.issueComment(eventId);
  const comment = { key, kind: DeliveryKinds.issueComment, ref, text, since: event.at, ticketId, job };
  const { refused } = await commentOnce(ctx, github, comment);
  // The requester has not seen the reply: the agent must know, in the thread.
  if (refused) await noteIssueCommentRefused(ctx, ticketId, eventId, refused);
  if (refused || event.kind !== 'resolved' || !ctx.config.GITHUB_INTAKE_CLOSE) return;
  try {
    await github.close(ref);
  } catch (err) {
    const failure = trackerFailure(err);
    if (!failure.refused) throw err;
    ctx.logger.error({ ticket: ticket.key, reason: failure.reason }, "GitHub refused to close the ticket's issue");
  }
}
