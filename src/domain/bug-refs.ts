import { TRACKERS, type Tracker } from '../db/models/bug.js';

export { TRACKERS };
import type { BugSettings } from './settings.js';

/** An issue named by an agent, resolved to its tracker and its ref (`owner/name#12`, `APP-12`). */
export interface IssueRef {
  tracker: Tracker;
  ref: string;
}

export const TRACKER_LABELS: Record<Tracker, string> = { github: 'GitHub', jira: 'Jira' };

const JIRA_KEY = /^([A-Z][A-Z0-9_]+-\d{1,9})$/;
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * The issue an agent names by URL or key: a GitHub issue of GITHUB_REPOSITORY (its URL, `owner/name#12` or
 * `#12`), or a Jira issue of JIRA_BASE_URL (its `/browse/APP-12` URL or `APP-12`). Undefined when it names
 * neither; the reason is said by `issueRefHelp`.
 */
export function parseIssueRef(settings: Pick<BugSettings, 'github' | 'jira'>, text: string): IssueRef | undefined {
  const word = text.trim().replace(/^<|>$/g, '').split('|')[0]!.trim();
  const gh = settings.github;
  if (gh) {
    const repo = escapeRegExp(gh.repository);
    // Any host: github.com, or a GitHub Enterprise server (whose web address differs from GITHUB_API_URL).
    const url = new RegExp(`^https?://[^/\\s]+/${repo}/issues/(\\d{1,9})(?:[/?#].*)?$`, 'i').exec(word);
    const short = new RegExp(`^(?:${repo})?#(\\d{1,9})$`, 'i').exec(word);
    const n = url?.[1] ?? short?.[1];
    if (n) return { tracker: 'github', ref: `${gh.repository}#${Number(n)}` };
  }
  const jira = settings.jira;
  if (jira) {
    const url = new RegExp(`^${escapeRegExp(jira.baseUrl)}/browse/([A-Z][A-Z0-9_]+-\\d{1,9})(?:[/?#].*)?$`, 'i').exec(
      word,
    );
    const key = url?.[1]?.toUpperCase() ?? JIRA_KEY.exec(word)?.[1];
    if (key) return { tracker: 'jira', ref: key };
  }
  return undefined;
}

/** What an agent may type to name an issue, for the configured trackers. */
export function issueRefHelp(settings: Pick<BugSettings, 'github' | 'jira'>): string {
  const forms = [
    ...(settings.github ? [`a GitHub issue of ${settings.github.repository} (its URL or #12)`] : []),
    ...(settings.jira ? [`a Jira issue (its URL or a key such as ${settings.jira.project}-12)`] : []),
  ];
  return forms.length ? `Name ${forms.join(' or ')}.` : 'No issue tracker is configured (see docs/trackers.md).';
}

/** How people name an issue: `#12` for GitHub, the key for Jira. */
export function issueKey(ref: IssueRef): string {
  return ref.tracker === 'github' ? `#${ref.ref.split('#')[1]}` : ref.ref;
}

/** GitHub's `closed` is a fix only when closed as completed; "not planned" and duplicates are not fixes. */
export function githubIssueState(issue: { state: string; state_reason?: string | null }): 'open' | 'fixed' | 'closed' {
  if (issue.state !== 'closed') return 'open';
  return !issue.state_reason || issue.state_reason === 'completed' ? 'fixed' : 'closed';
}

/** GitHub's status in words: `open`, `closed (not planned)`. */
export function githubStatusText(issue: { state: string; state_reason?: string | null }): string {
  return issue.state === 'closed' && issue.state_reason
    ? `closed (${issue.state_reason.replace(/_/g, ' ')})`
    : issue.state;
}

/** A Jira issue is fixed once its status is in the "done" category, whatever the workflow calls it. */
export function jiraIssueState(statusCategory: string | undefined): 'open' | 'fixed' {
  return statusCategory === 'done' ? 'fixed' : 'open';
}
