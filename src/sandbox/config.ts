import { randomBytes } from 'node:crypto';
import { parseConfig, type Config } from '../config.js';
import { GROUP_SETTINGS, SUPPORT_ADDRESS, SUPPORT_CHANNEL } from './people.js';

/** The bot token the stand-in accepts: it names itself, so no log line or screenshot mistakes it for a real one. */
export const SANDBOX_BOT_TOKEN = 'xoxb-sandbox-not-a-real-token';
/** The receiving side the sandbox plays for mail it sends in: its Authentication-Results count (MAIL_AUTHSERV_ID). */
export const SANDBOX_AUTHSERV_ID = 'mx.sandbox.invalid';

/** What looks like a Slack credential: a bot, user, app-level or configuration token. */
const SLACK_TOKEN = /^(xox[abposer]|xapp)-/;

/**
 * The variables holding a real Slack token, by name. The sandbox never reads them, but one in the environment
 * means a real workspace is a typo away (a script exporting .env, a shell left from `npm start`): refused.
 */
export function realSlackTokens(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(([, value]) => typeof value === 'string' && SLACK_TOKEN.test(value.trim()) && value !== SANDBOX_BOT_TOKEN)
    .map(([name]) => name);
}

export interface SandboxSettings {
  port: number;
  host: string;
  slackUrl: string;
  smtpUrl: string;
  smtpPort: number;
  logLevel: string;
  timezone: string;
}

/** Fresh each start: nothing outside this process signs or verifies with them. */
export const sandboxSecrets = () => ({
  signingSecret: randomBytes(24).toString('hex'),
  webhookSecret: `whsec_${randomBytes(24).toString('base64')}`,
});

/**
 * Deskbell's configuration in the sandbox, built here and never from the environment or `.env`: the stand-in
 * Slack, the mail sink, the SMTP listener on loopback, the groups of people.ts, and settings that let a
 * person see things happen in minutes (a storm from 4 similar tickets, Slack's spacing off).
 */
export function sandboxConfig(s: SandboxSettings, secrets: ReturnType<typeof sandboxSecrets>): Config {
  return parseConfig({
    SLACK_BOT_TOKEN: SANDBOX_BOT_TOKEN,
    SLACK_SIGNING_SECRET: secrets.signingSecret,
    SLACK_API_URL: s.slackUrl,
    SUPPORT_CHANNEL_ID: SUPPORT_CHANNEL,
    PORT: String(s.port),
    LOG_LEVEL: s.logLevel,
    SUPPORT_TIMEZONE: s.timezone,
    PUBLIC_URL: `http://${s.host.includes(':') ? `[${s.host}]` : s.host}:${s.port}`,
    INTAKE_WEBHOOK_SECRET: secrets.webhookSecret,
    SUPPORT_EMAIL_ADDRESS: SUPPORT_ADDRESS,
    SMTP_URL: s.smtpUrl,
    MAIL_INBOUND_PORT: String(s.smtpPort),
    MAIL_INBOUND_HOST: s.host,
    MAIL_AUTHSERV_ID: SANDBOX_AUTHSERV_ID,
    ...GROUP_SETTINGS,
    // A small team: everyone in it is asked into every war room, so switching person shows the same room.
    INCIDENT_RESPONDERS_USERGROUP: GROUP_SETTINGS.SUPPORT_TEAM_USERGROUP,
    STATUS_PAGE_ENABLED: 'true',
    STORM_THRESHOLD: '3',
    // The stand-in has no rate limit: Slack's one-a-second spacing would only make the page slow.
    SLACK_CHANNEL_INTERVAL_MS: '20',
  });
}
