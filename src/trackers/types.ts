import type { Tracker } from '../db/models/bug.js';

/** A bug as it goes to a tracker: titled sections (addresses already removed), and the marker a check finds it by. */
export interface IssueDraft {
  title: string;
  sections: Array<{ heading: string; text: string }>;
  /** The bug's id, written into the issue: a retry after an unclear answer finds the issue instead of filing again. */
  marker: string;
}

/** An issue as Deskbell keeps it. */
export interface IssueInfo {
  tracker: Tracker;
  /** GitHub `owner/name#12`, Jira `APP-12`. */
  ref: string;
  key: string;
  url: string;
  title: string;
  /** `fixed`: closed as completed (GitHub) or in a done status (Jira); `closed`: closed otherwise. */
  state: 'open' | 'fixed' | 'closed';
  status: string;
  openedAt: string;
}

/** One tracker's client: each call one request (or a short walk of pages), no retries of its own. */
export interface TrackerClient {
  readonly tracker: Tracker;
  file(draft: IssueDraft): Promise<IssueInfo>;
  /** The issue an earlier `file` of this marker created, looking at issues created since `since`. */
  findFiled(marker: string, since: Date): Promise<IssueInfo | undefined>;
  get(ref: string): Promise<IssueInfo | undefined>;
  comment(ref: string, text: string, marker: string): Promise<{ id: string }>;
  /** The comment an earlier `comment` with this marker left, if any. */
  findComment(ref: string, marker: string, since: Date): Promise<{ id: string } | undefined>;
}

/** GitHub's client can also close an issue (GitHub Issues as a support channel). */
export interface GithubClient extends TrackerClient {
  close(ref: string): Promise<void>;
}

export interface TrackerClients {
  github?: GithubClient;
  jira?: TrackerClient;
}

/** The tracker refused for good (bad token, no permission, unknown project): retrying changes nothing. */
export class TrackerRefused extends Error {
  override name = 'TrackerRefused';
}

/** Real milliseconds a tracker call may take; a claim lasts far longer (src/trackers/once.ts). */
export const TRACKER_TIMEOUT_MS = 10_000;

/**
 * Why a call failed, in words for a thread note ("answered 502", "did not answer"), and whether it was a
 * refusal. 4xx answers are refusals except 408 and 429 (and GitHub's rate-limit 403), which pass.
 */
export function trackerFailure(err: unknown): { reason: string; refused: boolean } {
  if (err instanceof TrackerRefused) return { reason: err.message, refused: true };
  const status =
    (err as { status?: number; response?: { status?: number } } | undefined)?.status ??
    (err as { response?: { status?: number } })?.response?.status;
  const message = String((err as Error)?.message ?? err);
  if (typeof status !== 'number' || status === 0) return { reason: 'did not answer', refused: false };
  const rateLimited = status === 429 || (status === 403 && /rate limit/i.test(message));
  const refused = status >= 400 && status < 500 && status !== 408 && !rateLimited;
  return { reason: `answered ${status}${refused ? `: ${message.slice(0, 200)}` : ''}`, refused };
}

/** Throws TrackerRefused for a refusal, the error itself otherwise. */
export function classified(err: unknown): never {
  const { refused, reason } = trackerFailure(err);
  if (refused) throw new TrackerRefused(reason);
  throw err;
}
