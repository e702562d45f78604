import { createHmac } from 'node:crypto';

export interface SignOptions {
  /** Seconds since the epoch; defaults to now. */
  timestamp?: number;
  /** Replaces the computed signature (for tests of bad signatures). */
  signature?: string;
}

export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** Sends a request to /slack/events signed the way Slack signs it. */
export class SlackSender {
  constructor(
    private readonly baseUrl: string,
    private readonly signingSecret: string,
  ) {}

  async post(body: string, contentType: string, opts: SignOptions = {}): Promise<Response> {
    const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
    return fetch(`${this.baseUrl}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': contentType,
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': opts.signature ?? slackSignature(this.signingSecret, timestamp, body),
      },
      body,
    });
  }

  /** A slash command, form-encoded as Slack sends it. */
  command(command: string, text: string, user = 'U_AGENT', extra: Record<string, string> = {}, opts?: SignOptions) {
    const body = new URLSearchParams({
      token: 'legacy',
      team_id: 'T0001',
      team_domain: 'acme',
      channel_id: 'CSUPPORT1',
      channel_name: 'support',
      user_id: user,
      user_name: user.toLowerCase(),
      command,
      text,
      api_app_id: 'A0001',
      response_url: 'https://hooks.slack.invalid/commands/1',
      trigger_id: `trigger-${Math.random().toString(36).slice(2)}`,
      ...extra,
    }).toString();
    return this.post(body, 'application/x-www-form-urlencoded', opts);
  }

  /** An interactivity payload (block_actions, view_submission, shortcut), form-encoded in `payload`. */
  interaction(payload: Record<string, unknown>, opts?: SignOptions) {
    const body = new URLSearchParams({
      payload: JSON.stringify({
        team: { id: 'T0001', domain: 'acme' },
        api_app_id: 'A0001',
        token: 'legacy',
        ...payload,
      }),
    }).toString();
    return this.post(body, 'application/x-www-form-urlencoded', opts);
  }

  blockAction(
    user: string,
    action: Record<string, unknown>,
    message?: { channel: string; ts: string },
    opts?: SignOptions,
  ) {
    return this.interaction(
      {
        type: 'block_actions',
        user: { id: user, username: user.toLowerCase(), team_id: 'T0001' },
        trigger_id: `trigger-${Math.random().toString(36).slice(2)}`,
        container: message
          ? { type: 'message', channel_id: message.channel, message_ts: message.ts }
          : { type: 'view' },
        ...(message ? { channel: { id: message.channel }, message: { ts: message.ts, type: 'message' } } : {}),
        response_url: 'https://hooks.slack.invalid/actions/1',
        actions: [{ action_ts: `${Date.now() / 1000}`, ...action }],
      },
      opts,
    );
  }

  viewSubmission(user: string, view: Record<string, unknown>, opts?: SignOptions) {
    return this.interaction(
      { type: 'view_submission', user: { id: user, username: user.toLowerCase(), team_id: 'T0001' }, view },
      opts,
    );
  }

  /** An Events API callback, JSON as Slack sends it. */
  event(event: Record<string, unknown>, eventId = `Ev${Math.random().toString(36).slice(2)}`, opts?: SignOptions) {
    const body = JSON.stringify({
      token: 'legacy',
      team_id: 'T0001',
      api_app_id: 'A0001',
      type: 'event_callback',
      event_id: eventId,
      event_time: Math.floor(Date.now() / 1000),
      event,
    });
    return this.post(body, 'application/json', opts);
  }
}

/** A view submission's answer when Slack is asked to show errors in the modal. */
export interface ModalErrors {
  response_action?: string;
  errors: Record<string, string>;
}
