import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Paths whose values must never reach a log line, wherever they appear in a logged object. */
export const REDACTED_PATHS = [
  'token',
  '*.token',
  'botToken',
  '*.botToken',
  'appToken',
  'signingSecret',
  '*.signingSecret',
  'password',
  '*.password',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'config.SLACK_BOT_TOKEN',
  'config.SLACK_APP_TOKEN',
  'config.SLACK_SIGNING_SECRET',
  'config.INTAKE_WEBHOOK_SECRET',
  'config.SMTP_URL',
  'config.MONGODB_URI',
  'config.POSTMARK_INBOUND_PASSWORD',
  'config.CSAT_SECRET',
  'config.GITHUB_TOKEN',
  'config.GITHUB_WEBHOOK_SECRET',
  'config.JIRA_API_TOKEN',
  'config.JIRA_WEBHOOK_SECRET',
];

export function createLogger(level = 'info', destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { app: 'deskbell' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
