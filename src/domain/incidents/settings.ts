import type { Config } from '../../config.js';
import { loadRotation, type Rotation } from './oncall.js';

/** What the incident domain needs to know of the configuration, read once at start. */
export interface IncidentSettings {
  autoDeclare: 'webhook' | 'never';
  privateChannel: boolean;
  respondersUsergroup?: string;
  leadsUsergroup?: string;
  rotation?: Rotation;
  oncallUsergroup?: string;
  pageRepeatMs: number;
  pageEscalateMs: number;
  pagerDuty?: { routingKey: string; url: string };
}

export function incidentSettings(config: Config): IncidentSettings {
  return {
    autoDeclare: config.INCIDENT_AUTO_DECLARE,
    privateChannel: config.INCIDENT_CHANNEL_PRIVATE,
    ...(config.INCIDENT_RESPONDERS_USERGROUP ? { respondersUsergroup: config.INCIDENT_RESPONDERS_USERGROUP } : {}),
    ...(config.SUPPORT_LEADS_USERGROUP ? { leadsUsergroup: config.SUPPORT_LEADS_USERGROUP } : {}),
    ...(config.ONCALL_FILE ? { rotation: loadRotation(config.ONCALL_FILE, config.SUPPORT_TIMEZONE) } : {}),
    ...(config.ONCALL_USERGROUP ? { oncallUsergroup: config.ONCALL_USERGROUP } : {}),
    pageRepeatMs: config.PAGE_REPEAT_MINUTES * 60_000,
    pageEscalateMs: config.PAGE_ESCALATE_MINUTES * 60_000,
    ...(config.PAGERDUTY_ROUTING_KEY ? { pagerDuty: { routingKey: config.PAGERDUTY_ROUTING_KEY, url: config.PAGERDUTY_EVENTS_URL } } : {}),
  };
}
