import { createHmac } from 'node:crypto';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { feedbackTagList } from './feedback-tags.js';
import type { EscalationLevel } from './types.js';
import type { Tracker } from '../db/models/bug.js';

/** What the ticket domain needs to know of the configuration, read once at start (the domain never sees Config). */
export interface DomainSettings {
  /** SUPPORT_EMAIL_ADDRESS: From of every mail, and the domain of Message-IDs. */
  supportEmail: string;
  autoCloseDays: number;
  selfHelpUrl?: string;
  leadsUsergroup?: string;
  escalateOnBreach: boolean;
  /** ESCALATION_*_USERGROUP: who is mentioned when a ticket reaches a level. */
  escalationUsergroups: Partial<Record<EscalationLevel, string>>;
  /** STORM_THRESHOLD and STORM_WINDOW_MINUTES: more than `threshold` similar tickets within `windowMs` are a storm. */
  storm: { threshold: number; windowMs: number };
  /** The satisfaction survey's signing key and the public address its links start with. */
  survey: { key: Buffer; baseUrl: string };
  /** Key of the unguessable part of every outbound Message-ID (see messageIdFor). */
  mailIdKey: Buffer;
  /** KB_PUBLIC_ENABLED and FEEDBACK_TAGS (src/domain/knowledge.ts, feedback.ts). */
  knowledge: { publicEnabled: boolean; feedbackTags: readonly string[] };
  /** The issue trackers (src/domain/bugs.ts, docs/trackers.md). */
  bugs: BugSettings;
}

export interface BugSettings {
  /** The trackers configured, in the order the form offers them; none: no bug buttons. */
  trackers: Tracker[];
  /** GITHUB_REPOSITORY (owner/name). */
  github?: { repository: string };
  /** JIRA_BASE_URL and JIRA_PROJECT_KEY. */
  jira?: { baseUrl: string; project: string };
  /** BUG_FIX_NOTIFY: whether requesters are told of a fix at once or when an agent presses the button. */
  fixNotify: 'button' | 'auto';
}

export function bugSettings(config: Config): BugSettings {
  const github = config.GITHUB_TOKEN && config.GITHUB_REPOSITORY ? { repository: config.GITHUB_REPOSITORY } : undefined;
  const jira =
    config.JIRA_BASE_URL && config.JIRA_PROJECT_KEY
      ? { baseUrl: config.JIRA_BASE_URL.replace(/\/+$/, ''), project: config.JIRA_PROJECT_KEY }
      : undefined;
  const trackers: Tracker[] = [...(github ? ['github' as const] : []), ...(jira ? ['jira' as const] : [])];
  return { trackers, ...(github ? { github } : {}), ...(jira ? { jira } : {}), fixNotify: config.BUG_FIX_NOTIFY };
}

/** The survey links' signing key: CSAT_SECRET, else one derived from the Slack signing secret (or, in Socket Mode without one, the bot token). */
export function csatKey(config: Pick<Config, 'CSAT_SECRET' | 'SLACK_SIGNING_SECRET' | 'SLACK_BOT_TOKEN'>): Buffer {
  if (config.CSAT_SECRET) return Buffer.from(config.CSAT_SECRET, 'utf8');
  return createHmac('sha256', config.SLACK_SIGNING_SECRET ?? config.SLACK_BOT_TOKEN)
    .update('deskbell-csat')
    .digest();
}

/**
 * The key behind outbound Message-IDs: derived from the deployment's own secret, so every process computes the
 * same id for the same mail (a resend after a crash is recognisably the same message). Changing it breaks
 * nothing already sent: replies are matched on the ids stored with each mail.
 */
export function mailIdKey(config: Pick<Config, 'CSAT_SECRET' | 'SLACK_SIGNING_SECRET' | 'SLACK_BOT_TOKEN'>): Buffer {
  const secret = config.CSAT_SECRET ?? config.SLACK_SIGNING_SECRET ?? config.SLACK_BOT_TOKEN;
  return createHmac('sha256', secret).update('deskbell-message-id').digest();
}

/** Where requesters reach Deskbell; without PUBLIC_URL the links only work on this machine, which is said once at start. */
function publicBaseUrl(config: Pick<Config, 'PUBLIC_URL' | 'PORT'>, logger: Logger): string {
  if (config.PUBLIC_URL) return config.PUBLIC_URL.replace(/\/+$/, '');
  logger.warn('PUBLIC_URL is not set: satisfaction-survey links point to localhost and will not work for requesters');
  return `http://localhost:${config.PORT}`;
}

export function domainSettings(config: Config, logger: Logger): DomainSettings {
  const escalationUsergroups: DomainSettings['escalationUsergroups'] = {};
  if (config.ESCALATION_L2_USERGROUP) escalationUsergroups.L2 = config.ESCALATION_L2_USERGROUP;
  if (config.ESCALATION_L3_USERGROUP) escalationUsergroups.L3 = config.ESCALATION_L3_USERGROUP;
  if (config.ESCALATION_MANAGEMENT_USERGROUP) escalationUsergroups.management = config.ESCALATION_MANAGEMENT_USERGROUP;
  return {
    supportEmail: config.SUPPORT_EMAIL_ADDRESS,
    autoCloseDays: config.AUTO_CLOSE_DAYS,
    ...(config.SELF_HELP_URL ? { selfHelpUrl: config.SELF_HELP_URL } : {}),
    ...(config.SUPPORT_LEADS_USERGROUP ? { leadsUsergroup: config.SUPPORT_LEADS_USERGROUP } : {}),
    escalateOnBreach: config.SLA_ESCALATE_ON_BREACH,
    escalationUsergroups,
    storm: { threshold: config.STORM_THRESHOLD, windowMs: config.STORM_WINDOW_MINUTES * 60_000 },
    survey: { key: csatKey(config), baseUrl: publicBaseUrl(config, logger) },
    mailIdKey: mailIdKey(config),
    knowledge: { publicEnabled: config.KB_PUBLIC_ENABLED, feedbackTags: feedbackTagList(config.FEEDBACK_TAGS) },
    bugs: bugSettings(config),
  };
}
