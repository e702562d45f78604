import { Octokit } from '@octokit/rest';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { githubIssueState, githubStatusText } from '../domain/bug-refs.js';
import { classified, TRACKER_TIMEOUT_MS, type GithubClient, type IssueDraft, type IssueInfo } from './types.js';

type Issue = {
  number: number;
  html_url: string;
  title: string;
  state: string;
  state_reason?: string | null;
  created_at: string;
  body?: string | null;
  pull_request?: unknown;
};

const markerOf = (marker: string) => `<!-- deskbell:${marker} -->`;

/** The bug as GitHub Markdown: a heading per section, the marker hidden in an HTML comment. */
export function githubBody(draft: IssueDraft): string {
  return [...draft.sections.map((s) => `### ${s.heading}\n\n${s.text}`), markerOf(`bug:${draft.marker}`)].join('\n\n');
}

/**
 * GitHub Issues through @octokit/rest (GitHub's official client), on GITHUB_REPOSITORY with GITHUB_TOKEN.
 * GITHUB_API_URL points it at GitHub Enterprise, or at the tests' fake GitHub.
 */
export function githubClient(config: Config, logger: Logger): GithubClient | undefined {
  if (!config.GITHUB_TOKEN || !config.GITHUB_REPOSITORY) return undefined;
  const [owner, repo] = config.GITHUB_REPOSITORY.split('/') as [string, string];
  const labels = config.GITHUB_BUG_LABELS.split(',')
    .map((l) => l.trim())
    .filter(Boolean);
  const octokit = new Octokit({
    auth: config.GITHUB_TOKEN,
    baseUrl: config.GITHUB_API_URL.replace(/\/+$/, ''),
    userAgent: 'deskbell',
    log: {
      debug: () => undefined,
      info: () => undefined,
      warn: (m: string) => logger.warn({ github: m }, 'GitHub client'),
      error: (m: string) => logger.warn({ github: m }, 'GitHub client'),
    },
  });
  const request = () => ({ request: { signal: AbortSignal.timeout(TRACKER_TIMEOUT_MS) } });
  const numberOf = (ref: string) => Number(ref.split('#')[1]);
  const info = (i: Issue): IssueInfo => ({
    tracker: 'github',
    ref: `${config.GITHUB_REPOSITORY}#${i.number}`,
    key: `#${i.number}`,
    url: i.html_url,
    title: i.title,
    state: githubIssueState(i),
    status: githubStatusText(i),
    openedAt: i.created_at,
  });
  return {
    tracker: 'github',
    async file(draft) {
      const res = await octokit.rest.issues
        .create({ owner, repo, title: draft.title, body: githubBody(draft), labels, ...request() })
        .catch(classified);
      return info(res.data as Issue);
    },
    async findFiled(marker, since) {
      const wanted = markerOf(`bug:${marker}`);
      for (let page = 1; page <= 3; page++) {
        const res = await octokit.rest.issues
          .listForRepo({
            owner,
            repo,
            state: 'all',
            since: since.toISOString(),
            sort: 'created',
            direction: 'desc',
            per_page: 100,
            page,
            ...request(),
          })
          .catch(classified);
        const hit = (res.data as Issue[]).find((i) => !i.pull_request && i.body?.includes(wanted));
        if (hit) return info(hit);
        if (res.data.length < 100) return undefined;
      }
      return undefined;
    },
    async get(ref) {
      try {
        const res = await octokit.rest.issues.get({ owner, repo, issue_number: numberOf(ref), ...request() });
        return (res.data as Issue).pull_request ? undefined : info(res.data as Issue);
      } catch (err) {
        if ((err as { status?: number }).status === 404 || (err as { status?: number }).status === 410)
          return undefined;
        return classified(err);
      }
    },
    async comment(ref, text, marker) {
      const res = await octokit.rest.issues
        .createComment({
          owner,
          repo,
          issue_number: numberOf(ref),
          body: `${text}\n\n${markerOf(marker)}`,
          ...request(),
        })
        .catch(classified);
      return { id: String(res.data.id) };
    },
    async findComment(ref, marker, since) {
      const res = await octokit.rest.issues
        .listComments({
          owner,
          repo,
          issue_number: numberOf(ref),
          since: since.toISOString(),
          per_page: 100,
          ...request(),
        })
        .catch(classified);
      const hit = res.data.find((c) => c.body?.includes(markerOf(marker)));
      return hit ? { id: String(hit.id) } : undefined;
    },
    async close(ref) {
      await octokit.rest.issues
        .update({ owner, repo, issue_number: numberOf(ref), state: 'closed', state_reason: 'completed', ...request() })
        .catch(classified);
    },
  };
}
