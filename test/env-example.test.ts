import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { documentedVariables, parseConfig } from '../src/config.js';

/** Variables that must be set together: the others of a group, so one example value is checked alone. */
function companions(name: string): Record<string, string> {
  const postmark = { POSTMARK_INBOUND_USER: 'postmark', POSTMARK_INBOUND_PASSWORD: 'a-long-random-password' };
  if (name.startsWith('POSTMARK_INBOUND_')) return postmark;
  const github = { GITHUB_TOKEN: 'github_pat_x0123456789', GITHUB_REPOSITORY: 'acme/app' };
  if (name in github) return github;
  const jira = {
    JIRA_BASE_URL: 'https://acme.atlassian.net',
    JIRA_EMAIL: 'bot@acme.com',
    JIRA_API_TOKEN: 'a-jira-api-token',
    JIRA_PROJECT_KEY: 'APP',
  };
  return name in jira ? jira : {};
}

describe('.env.example', () => {
  const text = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');

  it('mentions every configuration variable', () => {
    for (const { name } of documentedVariables()) expect(text, name).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
  });

  it('parses as a valid configuration once copied', () => {
    const env = Object.fromEntries(
      text
        .split('\n')
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1).replace(/\s+#.*$/, '')]),
    );
    const config = parseConfig(env);
    // What the example promises, so a change to a default or the file shows up here.
    expect(config).toMatchObject({
      SLACK_BOT_TOKEN: 'xoxb-your-bot-token',
      SUPPORT_CHANNEL_ID: 'C0123456789',
      PORT: 3000,
      LOG_LEVEL: 'info',
      SUPPORT_TIMEZONE: 'UTC',
      SUPPORT_EMAIL_ADDRESS: 'support@example.com',
      MAIL_INBOUND_HOST: '127.0.0.1',
      ACK_MAX_PER_HOUR: 5,
    });
    expect(Object.keys(env).sort()).toEqual([
      'DATA_DIR',
      'LOG_LEVEL',
      'PORT',
      'SLACK_BOT_TOKEN',
      'SLACK_SIGNING_SECRET',
      'SUPPORT_CHANNEL_ID',
      'SUPPORT_EMAIL_ADDRESS',
      'SUPPORT_TIMEZONE',
    ]);
  });

  it('every commented-out example value is valid for its variable', () => {
    const examples = Object.fromEntries(
      text
        .split('\n')
        .map((line) => /^# ?([A-Z_]+)=(\S+)/.exec(line))
        .filter((m): m is RegExpExecArray => !!m)
        .map((m) => [m[1]!, m[2]!]),
    );
    const base = {
      SLACK_BOT_TOKEN: 'xoxb-x',
      SLACK_SIGNING_SECRET: 'an-example-signing-secret',
      SUPPORT_CHANNEL_ID: 'C0123456789',
    };
    for (const [name, value] of Object.entries(examples)) {
      if (['SLACK_APP_TOKEN'].includes(name)) continue;
      expect(() => parseConfig({ ...base, ...companions(name), [name]: value }), `${name}=${value}`).not.toThrow();
    }
    expect(Object.keys(examples).length).toBeGreaterThan(20);
  });
});
