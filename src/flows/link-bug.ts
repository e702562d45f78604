import type { AppContext } from '../context.js';
import { issueRefHelp, parseIssueRef, TRACKER_LABELS } from '../domain/bug-refs.js';
import { linkTicketToBug, type TrackedIssue } from '../domain/bugs.js';
import { DomainError } from '../domain/errors.js';
import type { Actor } from '../domain/types.js';
import { trackerFailure } from '../trackers/types.js';

export interface LinkByRefInput {
  ticketId: string;
  /** An issue URL or key, as the agent typed it. */
  text: string;
  actor: Actor;
  requestKey: string;
}

/**
 * "Link to bug": finds the issue the agent named (known already, or asked of its tracker, so a typo is
 * refused rather than linked), then links the ticket to it.
 */
export async function linkBugByRef(ctx: AppContext, input: LinkByRefInput) {
  const ref = parseIssueRef(ctx.settings.bugs, input.text);
  if (!ref) throw new DomainError(`I can't tell which issue that is. ${issueRefHelp(ctx.settings.bugs)}`);
  const known = await ctx.models.Bug.findOne({ tracker: ref.tracker, ref: ref.ref }).lean();
  let issue: TrackedIssue | undefined;
  if (known?.key && known.url) {
    issue = {
      tracker: ref.tracker,
      ref: ref.ref,
      key: known.key,
      url: known.url,
      title: known.title,
      state: known.state as TrackedIssue['state'],
      status: known.trackerStatus ?? known.state,
      openedAt: (known.openedAt ?? known.createdAt).toISOString(),
    };
  } else {
    const tracker = ctx.trackers[ref.tracker];
    if (!tracker) throw new DomainError(`${TRACKER_LABELS[ref.tracker]} is not configured.`);
    try {
      issue = await tracker.get(ref.ref);
    } catch (err) {
      throw new DomainError(
        `${TRACKER_LABELS[ref.tracker]} could not be asked about ${ref.ref} (it ${trackerFailure(err).reason});` +
          ' nothing was linked. Try again in a moment.',
      );
    }
    if (!issue) throw new DomainError(`${TRACKER_LABELS[ref.tracker]} has no issue ${ref.ref} that Deskbell can see.`);
  }
  return linkTicketToBug(ctx, { ticketId: input.ticketId, issue, actor: input.actor, requestKey: input.requestKey });
}
