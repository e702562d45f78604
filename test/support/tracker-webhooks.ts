import { createHmac, randomUUID } from 'node:crypto';
import type { FakeIssue } from './fake-trackers.js';

export const GITHUB_SECRET = 'github-webhook-secret-0123456789';
export const JIRA_SECRET = 'jira-webhook-secret-0123456789ab';

const hmac = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** POSTs a GitHub webhook delivery signed as GitHub signs it (X-Hub-Signature-256). */
export function sendGithubDelivery(
  baseUrl: string,
  event: string,
  payload: unknown,
  opts: { id?: string; secret?: string; signature?: string } = {},
): Promise<Response> {
  const body = JSON.stringify(payload);
  return fetch(`${baseUrl}/webhooks/github`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': opts.id ?? randomUUID(),
      'x-hub-signature-256': opts.signature ?? hmac(opts.secret ?? GITHUB_SECRET, body),
    },
    body,
  });
}

/** POSTs a Jira webhook delivery signed as Jira signs admin webhooks with a secret (X-Hub-Signature). */
export function sendJiraDelivery(
  baseUrl: string,
  payload: unknown,
  opts: { id?: string; secret?: string; signature?: string } = {},
): Promise<Response> {
  const body = JSON.stringify(payload);
  return fetch(`${baseUrl}/webhooks/jira`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-atlassian-webhook-identifier': opts.id ?? randomUUID(),
      'x-hub-signature': opts.signature ?? hmac(opts.secret ?? JIRA_SECRET, body),
    },
    body,
  });
}

/** An `issues` event payload for a fake issue, as GitHub sends it. */
export function issuesPayload(
  action: string,
  issue: FakeIssue,
  repository: string,
  extra: Record<string, unknown> = {},
) {
  return {
    action,
    issue: { ...issue, labels: issue.labels.map((name) => ({ name })), comments: issue.comments.length },
    repository: { full_name: repository },
    sender: issue.user,
    ...extra,
  };
}
