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
  /** INCIDENT_UPDATE_MINUTES: the status-update cadence (also the repeat of an overdue ping). */
  updateMs: number;
  /** INCIDENT_MONITOR_MINUTES. */
  monitorMs: number;
  /** INCIDENT_REPORT_HOURS. */
  reportMs: number;
  /** INCIDENT_ARCHIVE_DAYS; 0 = never archive. */
  archiveMs: number;
  statusPage: boolean;
  timeZone: string;
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
    ...(config.PAGERDUTY_ROUTING_KEY
      ? { pagerDuty: { routingKey: config.PAGERDUTY_ROUTING_KEY, url: config.PAGERDUTY_EVENTS_URL } }
      : {}),
    updateMs: config.INCIDENT_UPDATE_MINUTES * 60_000,
    monitorMs: config.INCIDENT_MONITOR_MINUTES * 60_000,
    reportMs: config.INCIDENT_REPORT_HOURS * 3_600_000,
    archiveMs: config.INCIDENT_ARCHIVE_DAYS * 86_400_000,
    statusPage: config.STATUS_PAGE_ENABLED,
    timeZone: config.SUPPORT_TIMEZONE,
  };
}
