import { Version3Client } from 'jira.js';
import type { Config } from '../config.js';
import { jiraIssueState } from '../domain/bug-refs.js';
import { adfDocument, adfText, versioned } from './adf.js';
import { classified, TRACKER_TIMEOUT_MS, type IssueInfo, type TrackerClient } from './types.js';

type JiraIssue = {
  key?: string;
  fields?: { summary?: string; created?: string; status?: { name?: string; statusCategory?: { key?: string } } };
};

const markerLabel = (marker: string) => `deskbell-${marker}`;
const PROPERTY = 'deskbell';

/**
 * Jira Cloud through jira.js (REST API v3), as JIRA_EMAIL with JIRA_API_TOKEN, in JIRA_PROJECT_KEY. A filed
 * bug carries the label `deskbell-<bug id>`, which a retry after an unclear answer searches for.
 */
export function jiraClient(config: Config): TrackerClient | undefined {
  if (!config.JIRA_BASE_URL || !config.JIRA_EMAIL || !config.JIRA_API_TOKEN || !config.JIRA_PROJECT_KEY)
    return undefined;
  const base = config.JIRA_BASE_URL.replace(/\/+$/, '');
  const client = new Version3Client({
    host: base,
    authentication: { basic: { email: config.JIRA_EMAIL, apiToken: config.JIRA_API_TOKEN } },
    baseRequestConfig: { timeout: TRACKER_TIMEOUT_MS },
  });
  const fields = ['summary', 'status', 'created'];
  const info = (i: JiraIssue, fallbackTitle = ''): IssueInfo => ({
    tracker: 'jira',
    ref: i.key!,
    key: i.key!,
    url: `${base}/browse/${i.key}`,
    title: i.fields?.summary ?? fallbackTitle,
    state: jiraIssueState(i.fields?.status?.statusCategory?.key),
    status: i.fields?.status?.name ?? 'open',
    openedAt: i.fields?.created ?? new Date().toISOString(),
  });
  return {
    tracker: 'jira',
    async file(draft) {
      const created = await client.issues
        .createIssue({
          fields: {
            project: { key: config.JIRA_PROJECT_KEY! },
            issuetype: { name: config.JIRA_ISSUE_TYPE },
            summary: draft.title,
            description: versioned(adfDocument(draft.sections)) as never,
            labels: ['from-support', markerLabel(draft.marker)],
          },
        })
        .catch(classified);
      return { ...info({ key: created.key }, draft.title), openedAt: new Date().toISOString() };
    },
    async findFiled(marker) {
      const res = await client.issueSearch
        .searchForIssuesUsingJqlEnhancedSearch({ jql: `labels = "${markerLabel(marker)}"`, fields, maxResults: 1 })
        .catch(classified);
      const hit = res.issues?.[0] as JiraIssue | undefined;
      return hit?.key ? info(hit) : undefined;
    },
    async get(ref) {
      try {
        return info((await client.issues.getIssue({ issueIdOrKey: ref, fields })) as JiraIssue);
      } catch (err) {
        if ((err as { status?: number }).status === 404) return undefined;
        return classified(err);
      }
    },
    async comment(ref, text, marker) {
      const res = await client.issueComments
        .addComment({
          issueIdOrKey: ref,
          comment: versioned(adfText(text)) as never,
          properties: [{ key: PROPERTY, value: { marker } }],
        })
        .catch(classified);
      return { id: String(res.id) };
    },
    async findComment(ref, marker) {
      const res = await client.issueComments
        .getComments({ issueIdOrKey: ref, orderBy: '-created', maxResults: 100, expand: 'properties' })
        .catch(classified);
      const hit = res.comments?.find((c) =>
        c.properties?.some((p) => p.key === PROPERTY && (p.value as { marker?: string })?.marker === marker),
      );
      return hit?.id ? { id: String(hit.id) } : undefined;
    },
  };
}
