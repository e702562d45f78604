import { z } from 'zod';

const slackId = (prefixes: string, what: string) =>
  z
    .string()
    .regex(new RegExp(`^[${prefixes}][A-Z0-9]{2,}$`), `must be a Slack ${what} ID such as ${prefixes[0]}0123ABCD`);
const optionalUsergroup = slackId('S', 'user group').optional();
const bool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(def ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');
const emptyAsUndefined = (v: unknown) => (v === '' ? undefined : v);
/** Minutes, fractions allowed (0.1 = 6 s) so tests and trials can run in seconds. */
const minutes = (def: number) =>
  z.coerce
    .number({ error: 'must be a number of minutes (fractions such as 0.5 allowed)' })
    .positive('must be more than 0')
    .default(def);
/** Hours or days with fractions, like `minutes`. */
const amount = (unit: string, def: number) =>
  z.coerce
    .number({ error: `must be a number of ${unit} (fractions such as 0.5 allowed)` })
    .positive('must be more than 0')
    .default(def);

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** FEEDBACK_TAGS: what fits a Slack multi-select (option texts, values) and a digest line. */
function tagListOk(list: string): boolean {
  const tags = list
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  return tags.length >= 1 && tags.length <= 20 && tags.every((t) => t.length <= 40);
}

const shape = {
  SLACK_BOT_TOKEN: z
    .string()
    .startsWith(
      'xoxb-',
      'must start with xoxb- (the Bot User OAuth Token from "OAuth & Permissions", not a user or app token)',
    )
    .describe('Bot token of the Slack app'),
  SLACK_SIGNING_SECRET: z
    .string()
    .min(16, 'must be the Signing Secret from "Basic Information" (at least 16 characters)')
    .optional()
    .describe('Verifies that requests come from Slack; required unless SLACK_APP_TOKEN is set (Socket Mode)'),
  SLACK_APP_TOKEN: z
    .string()
    .startsWith('xapp-', 'must start with xapp- (an app-level token with connections:write)')
    .optional()
    .describe('When set, Deskbell connects with Socket Mode instead of receiving HTTP requests'),
  SLACK_API_URL: z
    .url('must be a URL such as https://slack.com/api/')
    .optional()
    .describe('Base URL of the Slack Web API; for tests and proxies'),
  SUPPORT_CHANNEL_ID: slackId('CG', 'channel').describe('Channel where ticket cards are posted (#support)'),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URI')
    .optional()
    .describe('MongoDB server; when unset an embedded database is started under DATA_DIR'),
  DATA_DIR: z.string().min(1).default('./data').describe('Folder for the embedded database and other local state'),
  PORT: z.coerce
    .number({ error: 'must be a TCP port number (0-65535)' })
    .int('must be a whole number')
    .min(0)
    .max(65535, 'must be a TCP port (0-65535)')
    .default(3000)
    .describe('HTTP port for Slack requests, intake and /healthz'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('pino log level'),
  SUPPORT_TIMEZONE: z
    .string()
    .default('UTC')
    .refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin')
    .describe("Team's time zone for business hours and schedules"),
  PUBLIC_URL: z
    .url('must be the public base URL of Deskbell, such as https://deskbell.example.com')
    .optional()
    .describe('Public base URL, used in links sent to requesters (satisfaction survey)'),

  INTAKE_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, 'must be a Standard Webhooks secret: whsec_ followed by base64')
    .optional()
    .describe('Secret for signed webhook intake; intake webhook disabled when unset'),
  INTAKE_MAX_BODY_BYTES: z.coerce
    .number({ error: 'must be a number of bytes' })
    .int()
    .positive()
    .default(1024 * 1024)
    .describe('Largest accepted webhook body'),
  SUPPORT_EMAIL_ADDRESS: z
    .email('must be an email address such as support@example.com')
    .default('support@example.com')
    .describe('Address customers write to; sender of outbound mail'),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional()
    .describe('Outbound mail server; mail is queued (not lost) while unset or down'),
  MAIL_INBOUND_PORT: z.coerce
    .number({ error: 'must be a TCP port number (0-65535)' })
    .int()
    .min(0)
    .max(65535)
    .optional()
    .describe('Port of the built-in SMTP listener for inbound mail; off when unset'),
  MAIL_INBOUND_HOST: z
    .string()
    .default('127.0.0.1')
    .describe(
      'Address the SMTP listener binds to; loopback by default, 0.0.0.0 to accept mail from an MX on another host',
    ),
  MAIL_MAX_BYTES: z.coerce
    .number({ error: 'must be a number of bytes' })
    .int()
    .positive()
    .default(10 * 1024 * 1024)
    .describe('Largest accepted inbound email'),
  ATTACHMENT_KEEP_MAX_BYTES: z.coerce
    .number({ error: 'must be a number of bytes' })
    .int()
    .positive()
    .default(10 * 1024 * 1024)
    .describe('Largest mail attachment whose contents are kept; larger ones are only listed'),
  POSTMARK_INBOUND_USER: z.string().min(1).optional().describe('Basic-auth user for the Postmark inbound webhook'),
  POSTMARK_INBOUND_PASSWORD: z
    .string()
    .min(12, 'must be at least 12 characters')
    .optional()
    .describe('Basic-auth password for the Postmark inbound webhook'),
  MAIL_AUTHSERV_ID: z
    .string()
    .min(1)
    .optional()
    .describe(
      'authserv-id of the MX in front of the SMTP listener: only its Authentication-Results header counts; when unset, Deskbell checks SPF, DKIM and DMARC itself',
    ),
  ACK_SKIP_AUTH_FAILED: bool(true).describe(
    'Do not acknowledge mail whose SPF/DKIM/DMARC check failed, when the receiving side says so',
  ),
  ACK_MAX_PER_HOUR: z.coerce
    .number({ error: 'must be a whole number' })
    .int()
    .min(0)
    .default(5)
    .describe('Most auto-acknowledgements sent to one address per hour; more tickets still open, unacknowledged'),
  MAIL_FORWARDER_DOMAINS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((d) => d.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, 'must be comma-separated domains such as partner.example.com'),
      ),
    )
    .describe(
      "Domains (besides the support address's) whose people may forward a customer's mail in as the customer's",
    ),
  ACK_FORWARDED: bool(false).describe(
    'Acknowledge a forwarded mail to its original sender (off: they did not write to us)',
  ),
  MAIL_MAX_CLIENTS: z.coerce
    .number({ error: 'must be a whole number' })
    .int()
    .positive()
    .default(50)
    .describe('Most simultaneous connections to the SMTP listener (more are answered 421)'),
  MAIL_MAX_MESSAGES_PER_CONNECTION: z.coerce
    .number({ error: 'must be a whole number' })
    .int()
    .positive()
    .default(100)
    .describe('Most messages one SMTP connection may send (then 421)'),
  MAIL_MAX_PER_SENDER_PER_HOUR: z.coerce
    .number({ error: 'must be a whole number' })
    .int()
    .positive()
    .default(120)
    .describe('Most inbound mails from one sender address per hour, SMTP (451) and Postmark (429)'),
  MAIL_MAX_NEW_TICKETS_PER_DOMAIN_PER_HOUR: z.coerce
    .number({ error: 'must be a whole number' })
    .int()
    .positive()
    .default(300)
    .describe('Most new tickets by mail from one sender domain per hour; more are deferred (SMTP 451, Postmark 429)'),
  MAIL_AUTO_MAX_PER_HOUR: z.coerce
    .number({ error: 'must be a whole number' })
    .int()
    .min(0)
    .default(10)
    .describe(
      'Most automatic mails (acknowledgements, incident updates, storm and incident mail to many) to one address per hour',
    ),
  TRIAGE_RULES_FILE: z
    .string()
    .optional()
    .describe('JSON file overriding the keyword rules that suggest category and priority'),
  SELF_HELP_URL: z.url().optional().describe('Help-centre link included in acknowledgements'),

  SUPPORT_TEAM_USERGROUP: optionalUsergroup.describe(
    'Only members of this user group may see and act on tickets in Slack; when unset, everyone in the workspace can',
  ),
  SUPPORT_LEADS_USERGROUP: optionalUsergroup.describe('Leads, mentioned on SLA breaches'),
  ESCALATION_L2_USERGROUP: optionalUsergroup.describe('Mentioned on escalation to L2 (engineering)'),
  ESCALATION_L3_USERGROUP: optionalUsergroup.describe('Mentioned on escalation to L3 (tech lead)'),
  ESCALATION_MANAGEMENT_USERGROUP: optionalUsergroup.describe('Mentioned on escalation to management'),
  HEALTH_TOKEN: z
    .string()
    .min(16, 'must be at least 16 characters')
    .optional()
    .describe('Bearer token that shows /healthz details; without it every caller, local ones too, sees only ok/not ok'),
  CSAT_SECRET: z
    .string()
    .min(16)
    .optional()
    .describe(
      'Signs satisfaction-survey links; defaults to one derived from the signing secret (in Socket Mode without one, from the bot token)',
    ),
  AUTO_CLOSE_DAYS: z.coerce
    .number({ error: 'must be a number of days' })
    .positive()
    .default(5)
    .describe('Days after resolution without a reply before a ticket closes'),

  SLA_POLICY_FILE: z.string().optional().describe('JSON file overriding SLA targets, business hours and holidays'),
  SLA_ESCALATE_ON_BREACH: bool(true).describe('Escalate one level when a target is breached'),
  SLA_SWEEP_INTERVAL: z.string().default('1 minute').describe('How often the SLA sweep runs'),
  INCIDENT_AUTO_DECLARE: z
    .enum(['webhook', 'never'])
    .default('webhook')
    .describe(
      'Declare an incident at once for a webhook ticket that arrives as P0 (monitoring systems): webhook | never',
    ),
  INCIDENT_CHANNEL_PRIVATE: bool(true).describe(
    'Open war-room channels as private channels (read by those invited only); false lets anyone in the workspace join',
  ),
  INCIDENT_RESPONDERS_USERGROUP: optionalUsergroup.describe('Members are invited to every war room'),
  ONCALL_FILE: z
    .string()
    .optional()
    .describe(
      'JSON file with the on-call rotation (see docs/incidents.md); else ONCALL_USERGROUP, else the leads group',
    ),
  ONCALL_USERGROUP: optionalUsergroup.describe('On call when there is no ONCALL_FILE: every member is paged'),
  PAGE_REPEAT_MINUTES: minutes(5).describe('Repeat an unacknowledged page this often'),
  PAGE_ESCALATE_MINUTES: minutes(10).describe(
    'Page the secondary and the leads when a page is still unacknowledged after this long',
  ),
  PAGERDUTY_ROUTING_KEY: z
    .string()
    .min(1)
    .optional()
    .describe('PagerDuty Events API v2 routing key; incidents are also sent to PagerDuty when set'),
  PAGERDUTY_EVENTS_URL: z
    .url()
    .default('https://events.pagerduty.com/v2/enqueue')
    .describe('PagerDuty Events API v2 endpoint (override for tests)'),
  INCIDENT_UPDATE_MINUTES: minutes(30).describe(
    'Status-update cadence of an active incident: the commander is reminded before, and pinged with the leads when an update is overdue',
  ),
  INCIDENT_MONITOR_MINUTES: minutes(120).describe(
    'How long a fixed incident stays in monitoring before Deskbell asks the commander to close it',
  ),
  INCIDENT_REPORT_HOURS: amount('hours', 48).describe(
    'The incident report is due this long after resolution (reminders at half time and 2 hours before; leads pinged when overdue)',
  ),
  INCIDENT_ARCHIVE_DAYS: z.coerce
    .number({ error: 'must be a number of days (0 = never)' })
    .min(0, 'must be 0 (never) or more')
    .default(7)
    .describe('Archive the war room this many days after the incident report; 0 = never'),
  STATUS_PAGE_ENABLED: bool(false).describe(
    'Serve a public status page at GET /status and /status.json with the updates marked public',
  ),
  STORM_THRESHOLD: z.coerce
    .number({ error: 'must be a whole number of tickets' })
    .int()
    .min(2, 'must be at least 2')
    .default(10)
    .describe('A storm is more than this many similar new tickets within STORM_WINDOW_MINUTES'),
  STORM_WINDOW_MINUTES: minutes(5).describe(
    'Window in which similar tickets count towards a storm; a storm ends after this long without a new one',
  ),
  STORM_CARD_UPDATE_SECONDS: z.coerce
    .number({ error: 'must be a number of seconds' })
    .positive()
    .default(5)
    .describe('At most one update of a storm card this often (its count and list)'),
  SLACK_CHANNEL_INTERVAL_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int()
    .min(0)
    .default(1000)
    .describe("Gap between two messages Deskbell sends to one channel (Slack's limit is about one a second)"),
  SLACK_CHANNEL_BURST: z.coerce
    .number({ error: 'must be a whole number' })
    .int()
    .min(1)
    .max(10)
    .default(3)
    .describe('Messages Deskbell may send to one channel back to back after a quiet spell (Slack allows short bursts)'),
  SLACK_QUEUE_MAX_WAIT_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int()
    .min(1000)
    .max(40_000, 'must stay under 40000 (a post claim lasts 60 s)')
    .default(30_000)
    .describe('Longest a message waits in its channel queue before its effect retries it later'),
  DAILY_SUMMARY_CRON: z.string().default('30 9 * * 1-5').describe('Cron (team time zone) of the daily triage summary'),
  WEEKLY_DIGEST_CRON: z.string().default('0 14 * * 5').describe('Cron (team time zone) of the weekly review digest'),
  REPORT_CSV_INCLUDE_REQUESTER: bool(false).describe(
    "Add requesters' email addresses to the /support-report CSV export (personal data: off by default)",
  ),
  KB_PUBLIC_ENABLED: bool(false).describe(
    'Serve public help articles at GET /help and /help/:slug, and list up to three matching ones in acknowledgements',
  ),
  FEEDBACK_TAGS: z
    .string()
    .optional()
    .refine(
      (v) => v === undefined || tagListOk(v),
      'must be 1 to 20 comma-separated tags of at most 40 characters each',
    )
    .describe(
      'Feedback tags offered on the card, comma-separated; default: feature request, usability issue, documentation gap, bug, praise',
    ),
  FEEDBACK_DIGEST_CRON: z
    .string()
    .default('0 10 * * 1')
    .describe('Cron (team time zone) of the weekly feedback digest posted to PRODUCT_CHANNEL_ID'),
  PRODUCT_CHANNEL_ID: slackId('CG', 'channel')
    .optional()
    .describe('Channel of product management, where the weekly feedback digest goes; no digest when unset'),

  // Issue trackers (docs/trackers.md): bugs filed from the card, their status back through signed webhooks.
  GITHUB_TOKEN: z
    .string()
    .min(10, 'must be a GitHub fine-grained token or a GitHub App installation token')
    .optional()
    .describe('GitHub token that files bugs and comments (Issues: read and write); GitHub off when unset'),
  GITHUB_REPOSITORY: z
    .string()
    .regex(/^[\w.-]+\/[\w.-]+$/, 'must be owner/name, such as acme/app')
    .optional()
    .describe('Repository (owner/name) where bugs are filed and, with GITHUB_INTAKE_LABEL, issues become tickets'),
  GITHUB_API_URL: z
    .url('must be a URL such as https://api.github.com')
    .default('https://api.github.com')
    .describe('GitHub REST API base URL (GitHub Enterprise: https://HOST/api/v3; tests)'),
  GITHUB_BUG_LABELS: z.string().default('bug,from-support').describe('Comma-separated labels of a bug filed in GitHub'),
  GITHUB_WEBHOOK_SECRET: z
    .string()
    .min(16, 'must be at least 16 characters')
    .optional()
    .describe("Verifies deliveries to POST /webhooks/github (the webhook's secret); the route answers 404 when unset"),
  GITHUB_INTAKE_LABEL: z
    .string()
    .min(1)
    .optional()
    .describe('Issues in GITHUB_REPOSITORY opened or labelled with this label become tickets; off when unset'),
  GITHUB_INTAKE_CLOSE: bool(false).describe('Resolving a ticket that came from a GitHub issue also closes the issue'),
  JIRA_BASE_URL: z
    .url('must be the Jira site URL, such as https://acme.atlassian.net')
    .optional()
    .describe('Jira Cloud site where bugs are filed; Jira off when unset'),
  JIRA_EMAIL: z
    .email('must be the email address of the Jira account of JIRA_API_TOKEN')
    .optional()
    .describe('Jira account that files bugs (with JIRA_API_TOKEN)'),
  JIRA_API_TOKEN: z.string().min(10).optional().describe('API token of JIRA_EMAIL'),
  JIRA_PROJECT_KEY: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]+$/, 'must be a Jira project key such as APP')
    .optional()
    .describe('Jira project bugs are filed in'),
  JIRA_ISSUE_TYPE: z.string().min(1).default('Bug').describe('Jira issue type of a filed bug'),
  JIRA_WEBHOOK_SECRET: z
    .string()
    .min(16, 'must be at least 16 characters')
    .optional()
    .describe("Verifies deliveries to POST /webhooks/jira (the webhook's secret); the route answers 404 when unset"),
  BUG_FIX_NOTIFY: z
    .enum(['button', 'auto'])
    .default('button')
    .describe(
      'When a linked bug is fixed: button = an agent presses Tell requesters; auto = the requesters are mailed at once',
    ),
};

const schema = z
  .object(
    Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, z.preprocess(emptyAsUndefined, v)])) as {
      [K in keyof typeof shape]: z.ZodPipe<z.ZodTransform<unknown, unknown>, (typeof shape)[K]>;
    },
  )
  .superRefine((c, ctx) => {
    // Socket Mode: Slack's requests arrive over the app's own connection, so nothing is signed.
    if (!c.SLACK_APP_TOKEN && !c.SLACK_SIGNING_SECRET) {
      const why =
        'is required unless SLACK_APP_TOKEN is set (Socket Mode): the Signing Secret from "Basic Information"';
      ctx.addIssue({ code: 'custom', path: ['SLACK_SIGNING_SECRET'], message: why });
    }
    if ((c.POSTMARK_INBOUND_USER === undefined) !== (c.POSTMARK_INBOUND_PASSWORD === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['POSTMARK_INBOUND_PASSWORD'],
        message: 'POSTMARK_INBOUND_USER and POSTMARK_INBOUND_PASSWORD must be set together',
      });
    }
    const jira = ['JIRA_BASE_URL', 'JIRA_EMAIL', 'JIRA_API_TOKEN', 'JIRA_PROJECT_KEY'] as const;
    if (jira.some((k) => c[k] !== undefined) && !jira.every((k) => c[k] !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['JIRA_BASE_URL'], message: `${jira.join(', ')} must be set together` });
    }
    if ((c.GITHUB_TOKEN === undefined) !== (c.GITHUB_REPOSITORY === undefined)) {
      const message = 'GITHUB_TOKEN and GITHUB_REPOSITORY must be set together';
      ctx.addIssue({ code: 'custom', path: ['GITHUB_REPOSITORY'], message });
    }
  });

export type Config = Readonly<z.infer<typeof schema>>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Deskbell cannot start: the configuration has ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}\nSet them in the environment or in .env (see .env.example).`,
    );
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws one ConfigError naming every problem. Values are never echoed, so secrets stay out of the message. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = schema.safeParse(env);
  if (result.success) return Object.freeze(result.data);
  const problems = result.error.issues.map((issue) => {
    const key = issue.path.join('.') || 'environment';
    const missing = issue.code === 'invalid_type' && env[key] === undefined;
    return missing ? `${key} is required: ${describe(key)}` : `${key} ${issue.message}`;
  });
  throw new ConfigError(problems);
}

function describe(key: string): string {
  return (shape as Record<string, z.ZodType>)[key]?.description ?? '';
}

/** Every variable with its description, for the README and `.env.example`. */
export function documentedVariables(): Array<{ name: string; description: string }> {
  return Object.entries(shape).map(([name, type]) => ({ name, description: type.description ?? '' }));
}

let loaded: Config | undefined;

/** The process-wide configuration, parsed once. Tests build their own with parseConfig instead. */
export function getConfig(): Config {
  loaded ??= parseConfig(process.env);
  return loaded;
}
