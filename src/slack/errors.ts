/**
 * Whether a failed Web API call may still have taken effect. Slack's own `ok:false` answers and rate
 * limits are definite refusals; a network error or an HTTP 5xx leaves it unknown.
 */
export function mayHaveReachedSlack(err: unknown): boolean {
  const code = (err as { code?: string } | undefined)?.code;
  return code !== 'slack_webapi_platform_error' && code !== 'slack_webapi_rate_limited_error';
}

export function slackErrorCode(err: unknown): string | undefined {
  return (err as { data?: { error?: string } } | undefined)?.data?.error;
}

/** Thrown when another worker holds a delivery's claim (src/db/once.ts): the effect retries later and then finds it done. */
export class BusyElsewhereError extends Error {
  override name = 'BusyElsewhereError';
}
