import type { Models } from '../db/models/index.js';
import { deliverOnce } from '../db/once.js';
import { DeliveryKinds, OnceKeys } from '../db/once-keys.js';
import type { Clock } from '../clock.js';
import { TrackerRefused, trackerFailure, type IssueDraft, type IssueInfo, type TrackerClient } from './types.js';

/** Real milliseconds a worker may hold a tracker call: far above the clients' timeout (TRACKER_TIMEOUT_MS). */
export const TRACKER_CLAIM_MS = 60_000;

type OnceDeps = { models: Pick<Models, 'Delivery'>; clock: Clock };
type Job = { name: string; data: Record<string, string> };

/** Another worker holds the claim: the effect retries later and then finds it done. */
export class TrackerBusyError extends Error {
  override name = 'TrackerBusyError';
}

const mayHaveReached = (err: unknown) => !(err instanceof TrackerRefused) && !trackerFailure(err).refused;

/**
 * Files the bug once (src/db/once.ts): trackers have no idempotency key, so an attempt whose answer was
 * lost (a timeout, a 502, a crash) is followed by a search for the issue carrying the bug's marker
 * before filing again.
 */
export async function fileIssueOnce(
  deps: OnceDeps,
  tracker: TrackerClient,
  bug: { id: string; ticketId?: unknown; requestedAt: Date },
  draft: IssueDraft,
  job: Job,
): Promise<IssueInfo> {
  const outcome = await deliverOnce<IssueInfo>(deps.models, {
    key: OnceKeys.bugIssue(bug.id),
    kind: DeliveryKinds.bugIssue,
    ...(bug.ticketId ? { ticketId: String(bug.ticketId) } : {}),
    at: deps.clock.now(),
    deadlineMs: TRACKER_CLAIM_MS,
    job,
    // Minutes of slack: the tracker's clock and ours differ.
    check: () => tracker.findFiled(draft.marker, new Date(bug.requestedAt.getTime() - 10 * 60_000)),
    send: () => tracker.file(draft),
    mayHaveReached,
  });
  if (outcome.status === 'busy') throw new TrackerBusyError(`another worker is filing bug ${bug.id}`);
  return outcome.result;
}

/**
 * Posts one comment on an issue once, under `key`; a retry after an unclear answer looks for its marker first.
 * A refusal (a locked or deleted issue, a missing permission) is its outcome too, recorded and returned, so
 * neither the worker nor the reconcile sweep asks again for a comment the tracker will not take.
 */
export async function commentOnce(
  deps: OnceDeps,
  tracker: TrackerClient,
  c: { key: string; kind?: string; ref: string; text: string; since: Date; ticketId?: string; job: Job },
): Promise<{ refused?: string }> {
  const outcome = await deliverOnce<{ id?: string; refused?: string }>(deps.models, {
    key: c.key,
    kind: c.kind ?? DeliveryKinds.bugComment,
    ...(c.ticketId ? { ticketId: c.ticketId } : {}),
    at: deps.clock.now(),
    deadlineMs: TRACKER_CLAIM_MS,
    job: c.job,
    check: () => tracker.findComment(c.ref, c.key, new Date(c.since.getTime() - 10 * 60_000)),
    send: async () => {
      try {
        return await tracker.comment(c.ref, c.text, c.key);
      } catch (err) {
        const failure = trackerFailure(err);
        if (failure.refused) return { refused: failure.reason };
        throw err;
      }
    },
    mayHaveReached,
  });
  if (outcome.status === 'busy') throw new TrackerBusyError(`another worker is posting ${c.key}`);
  return outcome.result.refused ? { refused: outcome.result.refused } : {};
}
