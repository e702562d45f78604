import type { Models } from '../db/models/index.js';
import { deliverOnce } from '../db/once.js';
import { OnceKeys } from '../db/once-keys.js';
import type { IncidentSettings } from '../domain/incidents/settings.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../clock.js';
import { fetchFrom } from '../net/fetch-from.js';

const TIMEOUT_MS = 10_000;

/**
 * Sends one PagerDuty Events API v2 event for an incident (`trigger`, `acknowledge`, `resolve`), with the
 * incident id as dedup key so PagerDuty folds repeats into one alert. Runs as its own retried effect, so a
 * PagerDuty outage never holds up the Slack side; its delivery record names that effect (`job`), so the
 * reconcile sweep asks for it again if its retries run out. An event PagerDuty refuses as invalid (4xx) is
 * logged and recorded as done: no retry changes the answer. Each round of the incident (it is reopened after
 * a resolve) sends its own events.
 */
export async function sendPagerDutyEvent(
  deps: { models: Models; incidents: IncidentSettings; logger: Logger; clock: Clock; claimMs: number },
  incidentId: string,
  action: 'trigger' | 'acknowledge' | 'resolve',
  round = 0,
  job?: { name: string; data: Record<string, string> },
): Promise<void> {
  const pd = deps.incidents.pagerDuty;
  if (!pd) return;
  const incident = await deps.models.Incident.findById(incidentId);
  if (!incident) return;
  const body = {
    routing_key: pd.routingKey,
    event_action: action,
    dedup_key: incident.id,
    ...(action === 'trigger'
      ? {
          payload: {
            summary: `P0 ${incident.key} (${incident.ticketKey}): ${incident.title}`.slice(0, 1024),
            source: 'deskbell',
            severity: 'critical',
            timestamp: incident.declaredAt.toISOString(),
            custom_details: {
              incident: incident.key,
              ticket: incident.ticketKey,
              war_room: incident.channel?.name ?? null,
            },
          },
        }
      : {}),
  };
  const outcome = await deliverOnce(deps.models, {
    key: OnceKeys.pagerDuty(incident.id, action, round),
    kind: 'pagerduty',
    ticketId: incident.ticketId,
    at: deps.clock.now(),
    deadlineMs: deps.claimMs,
    ...(job ? { job } : {}),
    // PagerDuty deduplicates by dedup_key: sending an event twice is harmless, so no check is needed.
    send: async () => {
      const res = await fetchFrom(pd.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (res.status === 429 || res.status >= 500) throw new Error(`PagerDuty answered ${res.status}; retrying`);
      if (!res.ok) return { status: res.status, refused: (await res.text()).slice(0, 200) };
      return { status: res.status };
    },
  });
  if (outcome.status === 'done' && outcome.by === 'sent' && 'refused' in outcome.result) {
    const { status, refused } = outcome.result;
    deps.logger.error({ incident: incident.key, action, status, refused }, 'PagerDuty refused the event; not retried');
  }
}
