import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { waitFor } from './settle.js';
import { unsafeTexts, type UnsafeText } from './slack-safety.js';

export interface SlackCall {
  method: string;
  args: Record<string, any>;
  token?: string;
  /** performance.now() when the request arrived (benchmarks time arrival-to-card with it). */
  at: number;
}

export type Failure =
  | { error: string }
  | { status: 500 }
  | { status: 429; retryAfter: number }
  | { network: true }
  /** The call takes effect, then the connection drops before the answer: the caller cannot know it worked. */
  | { networkAfterEffect: true };

interface StoredMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text?: string;
  blocks?: unknown[];
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
}

const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'metadata', 'files']);

/** A file uploaded the way Slack asks: an upload URL, the bytes POSTed there, then completed and shared. */
export interface UploadedFile {
  id: string;
  filename: string;
  length: number;
  altText?: string;
  bytes?: Buffer;
  title?: string;
  channel?: string;
  threadTs?: string;
  initialComment?: string;
  completed: boolean;
}

/**
 * A Slack Web API stand-in over real HTTP: it records every call and answers the way Slack does,
 * so the app's real WebClient (pointed here with SLACK_API_URL) is exercised end to end.
 */
export class FakeSlack {
  /** Every fake started in this test file; test/support/slack-safety-check.ts looks through their calls at its end. */
  static readonly started = new Set<FakeSlack>();
  readonly calls: SlackCall[] = [];
  /** Requester text that reached Slack unescaped, in any call (test/support/slack-safety.ts). */
  readonly unsafe: UnsafeText[] = [];
  readonly messages: StoredMessage[] = [];
  readonly channels = new Map<string, { id: string; name: string; members: Set<string>; creator: string; is_private: boolean; topic?: string; is_archived?: boolean }>();
  readonly bookmarks: Array<{ id: string; channel_id: string; title: string; link: string }> = [];
  readonly pins: Array<{ channel: string; timestamp: string }> = [];
  readonly usergroups = new Map<string, string[]>();
  readonly users = new Map<string, { id: string; name: string; real_name?: string; email?: string }>();
  readonly uploads = new Map<string, UploadedFile>();
  /** Every call the per-channel rate limit refused with a 429. */
  readonly rateLimited: Array<{ method: string; channel: string; at: number }> = [];
  private limit?: { intervalMs: number; methods: Set<string> };
  private lastAccepted = new Map<string, number>();
  private failures = new Map<string, Failure[]>();
  private holds = new Map<string, Promise<void>>();
  private slowMs = new Map<string, number>();
  private server?: Server;
  private seq = 0;
  private clockSeconds = 1_700_000_000;
  url = '';

  async start(): Promise<this> {
    FakeSlack.started.add(this);
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((ok) => this.server!.listen(0, '127.0.0.1', ok));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((ok) => (this.server ? this.server.close(() => ok()) : ok()));
  }

  /**
   * Enforces Slack's per-channel message limit: at most `perSecond` calls of `methods` to one channel a
   * second; a faster one gets HTTP 429 with `Retry-After` (whole seconds, as Slack sends it) and no effect.
   * `undefined` turns it off.
   */
  limitPerChannel(opts: { perSecond?: number; methods?: string[] } | undefined): void {
    this.limit = opts ? { intervalMs: 1000 / (opts.perSecond ?? 1), methods: new Set(opts.methods ?? ['chat.postMessage', 'chat.update']) } : undefined;
    this.lastAccepted.clear();
  }

  /** The next `times` calls of `method` fail as described; later ones succeed again. */
  fail(method: string, failure: Failure, times = 1): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), ...Array<Failure>(times).fill(failure)]);
  }

  /**
   * Calls of `method` take effect at once but their answers wait until the returned function is called:
   * the caller is left not knowing whether its call reached Slack (a hung connection, a crash mid-call).
   */
  hold(method: string): () => void {
    let release!: () => void;
    this.holds.set(method, new Promise<void>((r) => (release = r)));
    return () => {
      this.holds.delete(method);
      release();
    };
  }

  /**
   * Calls of `method` (`upload` for the bytes POSTed to an upload URL) take effect at once and answer after
   * `ms`: a slow Slack, or a large upload on a slow link. 0 makes them quick again.
   */
  slow(method: string, ms: number): void {
    this.slowMs.set(method, ms);
  }

  private async lag(method: string): Promise<void> {
    const ms = this.slowMs.get(method) ?? 0;
    if (ms > 0) await new Promise((r) => setTimeout(r, ms));
  }

  clearFailures(): void {
    this.failures.clear();
  }

  callsTo(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Waits until `predicate` holds for the recorded calls (the app works after it acks). */
  waitFor<T>(probe: () => T | undefined | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
    return waitFor(probe, `FakeSlack: ${what}`, timeoutMs, () => `calls so far: ${this.calls.map((c) => c.method).join(', ')}`);
  }

  private nextTs(): string {
    this.seq += 1;
    return `${this.clockSeconds + this.seq}.${String(this.seq).padStart(6, '0')}`;
  }

  /** Files completed (shared) in `channel`, in upload order. */
  filesIn(channel: string): UploadedFile[] {
    return [...this.uploads.values()].filter((f) => f.completed && f.channel === channel);
  }

  /** The upload URL answers like Slack's: 200 and "OK - <length>", and keeps the bytes for the test. */
  private async receiveUpload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const file = this.uploads.get((req.url ?? '').split('/').pop() ?? '');
    if (!file || req.method !== 'POST') {
      res.writeHead(404, { 'content-type': 'text/plain' });
      return void res.end('not found');
    }
    file.bytes = Buffer.concat(chunks);
    await this.lag('upload');
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`OK - ${file.bytes.length}`);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if ((req.url ?? '').startsWith('/upload/')) return this.receiveUpload(req, res);
    const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
    const raw = await new Promise<string>((ok) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => ok(data));
    });
    const args = parseArgs(raw, String(req.headers['content-type'] ?? ''));
    const token = String(req.headers.authorization ?? '').replace(/^Bearer /, '') || (args.token as string | undefined);
    this.calls.push({ method, args, token, at: performance.now() });
    this.unsafe.push(...unsafeTexts({ method, args }));

    const channel = typeof args.channel === 'string' ? args.channel : undefined;
    if (this.limit && channel && this.limit.methods.has(method)) {
      const now = performance.now();
      const last = this.lastAccepted.get(channel);
      if (last !== undefined && now - last < this.limit.intervalMs) {
        this.rateLimited.push({ method, channel, at: now });
        res.writeHead(429, { 'retry-after': String(Math.max(1, Math.ceil((this.limit.intervalMs - (now - last)) / 1000))), 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      }
      this.lastAccepted.set(channel, now);
    }
    const failure = this.failures.get(method)?.shift();
    if (failure && 'networkAfterEffect' in failure) {
      this.answer(method, args, token);
      return void req.socket.destroy();
    }
    if (failure) {
      if ('network' in failure) return void req.socket.destroy();
      if ('status' in failure && failure.status === 429) {
        res.writeHead(429, { 'retry-after': String(failure.retryAfter), 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      }
      if ('status' in failure) {
        res.writeHead(failure.status, { 'content-type': 'text/plain' });
        return void res.end('internal error');
      }
      return this.reply(res, { ok: false, error: failure.error });
    }
    const answer = this.answer(method, args, token);
    const held = this.holds.get(method);
    if (held) await held;
    await this.lag(method);
    if (!res.destroyed) this.reply(res, answer);
  }

  private reply(res: ServerResponse, body: unknown): void {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  }

  private answer(method: string, a: Record<string, any>, token?: string): Record<string, unknown> {
    if (!token?.startsWith('xoxb-')) return { ok: false, error: 'not_authed' };
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://acme.slack.com/', team: 'Acme', user: 'deskbell', team_id: 'T0001', user_id: 'UBOT', bot_id: 'BBOT' };
      case 'chat.postMessage': {
        if (this.channels.get(a.channel)?.is_archived) return { ok: false, error: 'is_archived' };
        const msg: StoredMessage = { channel: a.channel, ts: this.nextTs(), thread_ts: a.thread_ts, text: a.text, blocks: a.blocks, metadata: a.metadata };
        this.messages.push(msg);
        return { ok: true, channel: msg.channel, ts: msg.ts, message: { ...msg, type: 'message', bot_id: 'BBOT' } };
      }
      case 'chat.update': {
        const msg = this.messages.find((m) => m.channel === a.channel && m.ts === a.ts);
        if (!msg) return { ok: false, error: 'message_not_found' };
        Object.assign(msg, { text: a.text, blocks: a.blocks });
        return { ok: true, channel: a.channel, ts: a.ts, text: a.text };
      }
      case 'chat.postEphemeral':
        return { ok: true, message_ts: this.nextTs() };
      case 'chat.getPermalink':
        return { ok: true, channel: a.channel, permalink: `https://acme.slack.com/archives/${a.channel}/p${String(a.message_ts).replace('.', '')}` };
      case 'conversations.history': {
        const list = this.messages.filter((m) => inChannel(m, a.channel) && !m.thread_ts).reverse();
        return { ok: true, messages: list.slice(0, Number(a.limit ?? 100)).map((m) => ({ type: 'message', ...m })), has_more: false };
      }
      case 'conversations.replies': {
        const list = this.messages.filter((m) => inChannel(m, a.channel) && (m.ts === a.ts || m.thread_ts === a.ts));
        return { ok: true, messages: list.map((m) => ({ type: 'message', ...m })), has_more: false };
      }
      case 'conversations.create': {
        if ([...this.channels.values()].some((c) => c.name === a.name)) return { ok: false, error: 'name_taken' };
        const isPrivate = a.is_private === true || a.is_private === 'true';
        const id = `${isPrivate ? 'G' : 'C'}${String(100 + this.channels.size).padStart(8, '0')}`;
        this.channels.set(id, { id, name: a.name, members: new Set(['UBOT']), creator: 'UBOT', is_private: isPrivate });
        return { ok: true, channel: { id, name: a.name, creator: 'UBOT', is_private: isPrivate } };
      }
      case 'conversations.list': {
        const wantPrivate = String(a.types ?? 'public_channel').includes('private_channel');
        const wantPublic = String(a.types ?? 'public_channel').includes('public_channel');
        const list = [...this.channels.values()].filter((c) => (c.is_private ? wantPrivate : wantPublic));
        return { ok: true, channels: list.map((c) => ({ id: c.id, name: c.name, creator: c.creator, is_private: c.is_private })), response_metadata: { next_cursor: '' } };
      }
      case 'conversations.info': {
        const ch = this.channels.get(a.channel);
        if (ch) return { ok: true, channel: { id: ch.id, name: ch.name, is_private: ch.is_private } };
        if (/^D/.test(String(a.channel))) return { ok: true, channel: { id: a.channel, is_im: true } };
        return { ok: false, error: 'channel_not_found' };
      }
      case 'conversations.setTopic': {
        const ch = this.channels.get(a.channel);
        if (!ch) return { ok: false, error: 'channel_not_found' };
        ch.topic = a.topic;
        return { ok: true, channel: { id: ch.id, topic: { value: a.topic } } };
      }
      case 'bookmarks.add': {
        const bookmark = { id: `Bk${this.bookmarks.length + 1}`, channel_id: a.channel_id, title: a.title, link: a.link };
        this.bookmarks.push(bookmark);
        return { ok: true, bookmark };
      }
      case 'bookmarks.list':
        return { ok: true, bookmarks: this.bookmarks.filter((b) => b.channel_id === a.channel_id) };
      case 'pins.add': {
        // Slack checks the channel and the message before pinning.
        const ch = this.channels.get(a.channel);
        if (ch?.is_archived) return { ok: false, error: 'is_archived' };
        if (!this.messages.some((m) => m.channel === a.channel && m.ts === a.timestamp)) return { ok: false, error: 'message_not_found' };
        if (this.pins.some((p) => p.channel === a.channel && p.timestamp === a.timestamp)) return { ok: false, error: 'already_pinned' };
        this.pins.push({ channel: a.channel, timestamp: a.timestamp });
        return { ok: true };
      }
      case 'conversations.invite': {
        const ch = this.channels.get(a.channel);
        if (!ch) return { ok: false, error: 'channel_not_found' };
        const users = String(a.users).split(',');
        if (users.every((u) => ch.members.has(u))) return { ok: false, error: 'already_in_channel' };
        for (const u of users) ch.members.add(u);
        return { ok: true, channel: { id: ch.id } };
      }
      case 'conversations.archive': {
        const ch = this.channels.get(a.channel);
        if (!ch) return { ok: false, error: 'channel_not_found' };
        if (ch.is_archived) return { ok: false, error: 'already_archived' };
        ch.is_archived = true;
        return { ok: true };
      }
      case 'conversations.join':
        return { ok: true, channel: { id: a.channel } };
      case 'conversations.open':
        return { ok: true, channel: { id: `D${String(a.users).replace(/,/g, '')}` } };
      case 'views.publish':
        return { ok: true };
      case 'views.open':
      case 'views.push':
      case 'views.update':
        return { ok: true, view: { id: `V${this.seq++}`, ...(a.view ?? {}) } };
      case 'users.info': {
        const user: { id: string; name: string; real_name?: string; email?: string } = this.users.get(a.user) ?? { id: a.user, name: String(a.user).toLowerCase() };
        return { ok: true, user: { ...user, profile: { email: user.email, real_name: user.real_name ?? user.name } } };
      }
      case 'files.getUploadURLExternal': {
        if (!a.filename || !Number(a.length)) return { ok: false, error: 'invalid_arguments' };
        const id = `F${String(++this.seq).padStart(8, '0')}`;
        this.uploads.set(id, { id, filename: a.filename, length: Number(a.length), altText: a.alt_text, completed: false });
        return { ok: true, upload_url: `${this.url.replace(/api\/$/, '')}upload/${id}`, file_id: id };
      }
      case 'files.completeUploadExternal': {
        const list = (Array.isArray(a.files) ? a.files : []) as Array<{ id: string; title?: string }>;
        const files = list.map((f) => this.uploads.get(f.id));
        // Slack refuses to complete a file whose bytes never arrived.
        if (!list.length || files.some((f) => !f?.bytes)) return { ok: false, error: 'file_not_found' };
        for (const [i, f] of files.entries()) Object.assign(f!, { completed: true, title: list[i]!.title, channel: a.channel_id, threadTs: a.thread_ts, initialComment: a.initial_comment });
        if (a.channel_id) this.messages.push({ channel: a.channel_id, ts: this.nextTs(), thread_ts: a.thread_ts, text: a.initial_comment });
        return { ok: true, files: files.map((f) => ({ id: f!.id, title: f!.title, name: f!.filename })) };
      }
      case 'usergroups.users.list': {
        const users = this.usergroups.get(a.usergroup);
        return users ? { ok: true, users } : { ok: false, error: 'no_such_subteam' };
      }
      default:
        return { ok: true };
    }
  }
}

/** A post to a user id lands in the DM that conversations.open names `D<user>`, as on Slack. */
function inChannel(m: StoredMessage, channel: string): boolean {
  return m.channel === channel || `D${m.channel}` === channel;
}

function parseArgs(raw: string, contentType: string): Record<string, any> {
  if (contentType.includes('application/json')) return raw ? JSON.parse(raw) : {};
  const out: Record<string, any> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    out[k] = JSON_FIELDS.has(k) ? safeJson(v) : v;
  }
  return out;
}

function safeJson(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}
