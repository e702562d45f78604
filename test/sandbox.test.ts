import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { realSlackTokens, SANDBOX_BOT_TOKEN } from '../src/sandbox/config.js';
import type { Sandbox } from '../src/sandbox/sandbox.js';
import { startSandbox } from '../src/sandbox/start.js';
import { actionPayload, findElement, viewState } from '../src/sandbox/slack/payloads.js';
import { uniqueDbName } from './support/harness.js';
import { waitFor } from './support/settle.js';

/** A Wednesday 09:00 UTC: the daily summary is due at 09:30. */
const WEDNESDAY = new Date('2026-03-04T09:00:00Z');

describe('the sandbox', () => {
  let s: Sandbox;
  const api = (name: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${s.url}/sandbox/api/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const state = async (query: string) => (await (await fetch(`${s.url}/sandbox/api/state?${query}`)).json()) as any;

  beforeAll(async () => {
    s = await startSandbox({
      mongoUri: inject('mongoUri'),
      dbName: uniqueDbName('sandbox'),
      port: 0,
      logLevel: 'silent',
      timezone: 'UTC',
      start: WEDNESDAY,
    });
  });
  afterAll(async () => {
    await s?.db.dropDatabase().catch(() => undefined);
    await s?.stop();
  });

  it('binds loopback only, and answers only at its own address and to its own page', async () => {
    const port = Number(new URL(s.url).port);
    const outside = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal);
    if (outside) {
      const reached = await new Promise<boolean>((done) => {
        const sock = connect(port, outside.address);
        sock.once('connect', () => (sock.destroy(), done(true)));
        sock.once('error', () => done(false));
      });
      expect(reached, `port ${port} on ${outside.address}`).toBe(false);
    }
    const status = (headers: Record<string, string>) =>
      new Promise<number>((done) =>
        request(
          { host: '127.0.0.1', port, path: '/sandbox', headers },
          (res) => (res.resume(), done(res.statusCode ?? 0)),
        ).end(),
      );
    expect(await status({})).toBe(200);
    expect(await status({ host: `evil.example:${port}` })).toBe(421);
    expect((await api('home', { user: 'U0AGENT' }, { origin: 'https://evil.example' })).status).toBe(403);
    const form = await fetch(`${s.url}/sandbox/api/home`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{"user":"U0AGENT"}',
    });
    expect(form.status).toBe(415);
    expect(
      (await api('act', { user: 'U0AGENT', where: { type: 'message', channel: 'C0SUPPORT', ts: 'x' } })).status,
    ).toBe(400);
  });

  it('sends a slash command signed to /slack/events and shows its answer to the caller alone', async () => {
    expect(
      (await api('command', { user: 'U0AGENT', channel: 'C0SUPPORT', command: '/support', text: 'help' })).status,
    ).toBe(200);
    const mine = await state('user=U0AGENT&channel=C0SUPPORT');
    expect(mine.conversation.ephemerals.map((e: { text: string }) => e.text).join()).toContain('`/support` commands');
    const theirs = await state('user=U0LEAD&channel=C0SUPPORT');
    expect(theirs.conversation.ephemerals).toEqual([]);
  });

  it('moves the clock and runs what the time passed: sweeps always, the daily summary past 09:30', async () => {
    const short = (await (await api('clock', { minutes: 15 })).json()) as { ran: string[]; now: string };
    expect(short.ran).toEqual(['sla.sweep', 'incident.sweep', 'tickets.auto-close']);
    expect(short.now).toMatch(/^2026-03-04T09:15/);
    const past = (await (await api('clock', { minutes: 30 })).json()) as { ran: string[] };
    expect(past.ran).toContain('summary.daily');
    await waitFor(
      () => s.slack.messages.find((m) => m.channel === 'C0SUPPORT' && m.metadata?.event_type === 'deskbell_summary'),
      'the daily summary',
      30_000,
    );
    expect((await api('clock', { minutes: -5 })).status).toBe(400);
  });

  it('shows a private channel to its members only', async () => {
    s.slack.channels.set('G0SECRET', {
      id: 'G0SECRET',
      name: 'secret',
      members: new Set(['UBOT', 'U0AGENT']),
      creator: 'UBOT',
      is_private: true,
    });
    s.slack.postAs('U0AGENT', 'G0SECRET', 'only for members');
    const member = await state('user=U0AGENT&channel=G0SECRET');
    expect(member.channels.map((c: { id: string }) => c.id)).toContain('G0SECRET');
    expect(member.conversation.messages.map((m: { text: string }) => m.text)).toEqual(['only for members']);
    // A channel Deskbell posts to without having made it (one its settings name) is listed too.
    s.slack.messages.push({ channel: 'C0LEADS', ts: '1772600000.000001', text: 'for the leads' });
    expect(
      (await state('user=U0LEAD&channel=C0LEADS')).conversation.messages.map((m: { text: string }) => m.text),
    ).toEqual(['for the leads']);
    const outsider = await state('user=U0OUTSIDER&channel=G0SECRET');
    expect(outsider.channels.map((c: { id: string }) => c.id)).not.toContain('G0SECRET');
    expect(outsider.conversation).toMatchObject({ known: false, messages: [] });
  });

  it('serves a shared picture as a picture, any other file as plain text or a download, never as a page', async () => {
    const share = (id: string, filename: string, bytes: string) =>
      s.slack.uploads.set(id, {
        id,
        filename,
        length: bytes.length,
        bytes: Buffer.from(bytes),
        completed: true,
        channel: 'C0SUPPORT',
      });
    share('F0PNG', 'chart.png', '\x89PNG');
    share('F0CSV', 'tickets.csv', 'key,subject\nSUP-1,<script>x</script>\n');
    share('F0HTML', 'page.html', '<script>alert(1)</script>');
    const get = (id: string) => fetch(`${s.url}/sandbox/files/${id}`);
    expect((await get('F0PNG')).headers.get('content-type')).toBe('image/png');
    const csv = await get('F0CSV');
    expect(csv.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(csv.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await get('F0HTML');
    expect(html.headers.get('content-type')).toBe('application/octet-stream');
    expect(html.headers.get('content-disposition')).toMatch(/^attachment/);
    expect((await get('F0NONE')).status).toBe(404);
  });

  it('serves its page with a policy that runs no inline script and loads nothing from elsewhere', async () => {
    const res = await fetch(`${s.url}/sandbox`);
    expect(await res.text()).toContain('/sandbox/assets/app.js');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect((await fetch(`${s.url}/sandbox/assets/..%2F..%2Fconfig.ts`)).status).toBe(404);
  });
});

describe('the sandbox launcher', () => {
  it('refuses to start with a real Slack token in the environment', () => {
    expect(
      realSlackTokens({ SLACK_BOT_TOKEN: 'xoxb-1-2', X: 'xapp-1-A', HOME: '/root', SANDBOX: SANDBOX_BOT_TOKEN }),
    ).toEqual(['SLACK_BOT_TOKEN', 'X']);
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/sandbox/main.ts', '--port', '1'], {
      env: { ...process.env, SLACK_BOT_TOKEN: 'xoxb-1234-real' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(78);
    expect(run.stderr).toContain('SLACK_BOT_TOKEN');
    expect(run.stderr).not.toContain('xoxb-1234-real');
  }, 40_000);
});

describe('Slack payloads built from a view', () => {
  const blocks = [
    { type: 'input', block_id: 'who', element: { type: 'plain_text_input', action_id: 'v', initial_value: 'Ada' } },
    {
      type: 'input',
      block_id: 'level',
      element: {
        type: 'static_select',
        action_id: 'v',
        options: [{ text: { type: 'plain_text', text: 'L2' }, value: 'L2' }],
      },
    },
    {
      type: 'input',
      block_id: 'opts',
      element: {
        type: 'checkboxes',
        action_id: 'v',
        options: [{ text: { type: 'plain_text', text: 'Mail' }, value: 'email' }],
      },
    },
    { type: 'input', block_id: 'when', element: { type: 'datetimepicker', action_id: 'v' } },
    {
      type: 'actions',
      block_id: 'row',
      elements: [{ type: 'button', action_id: 'go', value: '{"id":1}', text: { type: 'plain_text', text: 'Go' } }],
    },
  ];

  it('reports every input as Slack does: initial values, chosen options with their text, numbers as numbers', () => {
    expect(viewState(blocks, { level: { v: 'L2' }, opts: { v: ['email'] }, when: { v: 1772600000 } }).values).toEqual({
      who: { v: { type: 'plain_text_input', value: 'Ada' } },
      level: {
        v: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'L2' }, value: 'L2' } },
      },
      opts: {
        v: { type: 'checkboxes', selected_options: [{ text: { type: 'plain_text', text: 'Mail' }, value: 'email' }] },
      },
      when: { v: { type: 'datetimepicker', selected_date_time: 1772600000 } },
    });
    expect(viewState(blocks, { level: { v: 'L9' } }).values.level).toEqual({
      v: { type: 'static_select', selected_option: null },
    });
  });

  it('makes a button click the button Deskbell drew, with its value', () => {
    const action = actionPayload(findElement(blocks, undefined, 'go')!, null, '1.5');
    expect(action).toEqual({
      type: 'button',
      action_id: 'go',
      block_id: 'row',
      action_ts: '1.5',
      text: { type: 'plain_text', text: 'Go' },
      value: '{"id":1}',
    });
  });
});
