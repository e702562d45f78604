import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { waitFor } from '../settle.js';
import { type Args, SlackWorkspace } from './workspace.js';

export type { Args, SlackUser, StoredChannel, StoredMessage, StoredView, UploadedFile } from './workspace.js';

export interface SlackCall {
  method: string;
  args: Args;
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

const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'metadata', 'files']);

/**
 * A Slack Web API stand-in over real HTTP: it records every call and answers the way Slack does, so the
 * app's real WebClient (pointed here with SLACK_API_URL) is exercised end to end. The tests' fake Slack
 * (test/support/fake-slack.ts) and the sandbox's workspace are this one class; the tests add failures,
 * holds, slowness and Slack's per-channel limit to it.
 */
export class SlackWebApi extends SlackWorkspace {
  readonly calls: SlackCall[] = [];
  /** Every call the per-channel rate limit refused with a 429. */
  readonly rateLimited: Array<{ method: string; channel: string; at: number }> = [];
  private limit?: { intervalMs: number; methods: Set<string> };
  private lastAccepted = new Map<string, number>();
  private failures = new Map<string, Failure[]>();
  private holds = new Map<string, Promise<void>>();
  private slowMs = new Map<string, number>();
  private changeListeners = new Set<() => void>();
  private server?: Server;

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((ok) => this.server!.listen(0, '127.0.0.1', ok));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((ok) => (this.server ? this.server.close(() => ok()) : ok()));
  }

  /** `listener` runs after every call has taken effect (the sandbox page refreshes); returns its removal. */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Tells the listeners that something changed outside a Web API call (a person posted, a modal closed). */
  changed(): void {
    for (const listener of this.changeListeners) listener();
  }

  /**
   * Enforces Slack's per-channel message limit: at most `perSecond` calls of `methods` to one channel a
   * second; a faster one gets HTTP 429 with `Retry-After` (whole seconds, as Slack sends it) and no effect.
   * `undefined` turns it off.
   */
  limitPerChannel(opts: { perSecond?: number; methods?: string[] } | undefined): void {
    const methods = new Set(opts?.methods ?? ['chat.postMessage', 'chat.update']);
    this.limit = opts ? { intervalMs: 1000 / (opts.perSecond ?? 1), methods } : undefined;
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

  /** Waits until `probe` holds for the recorded calls (the app works after it acks). */
  waitFor<T>(probe: () => T | undefined | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
    const seen = () => `calls so far: ${this.calls.map((c) => c.method).join(', ')}`;
    return waitFor(probe, `Slack: ${what}`, timeoutMs, seen);
  }

  /** Each call as it arrives, before it takes effect; subclasses look at it (the tests' escaping check). */
  protected record(call: SlackCall): void {
    this.calls.push(call);
  }

  /** The upload URL answers like Slack's: 200 and "OK - <length>", and keeps the bytes. */
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
    this.record({ method, args, token, at: performance.now() });

    if (this.rateLimit(method, args, res)) return;
    const failure = this.failures.get(method)?.shift();
    if (failure && 'networkAfterEffect' in failure) {
      this.answerAndTell(method, args, token);
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
    const answer = this.answerAndTell(method, args, token);
    const held = this.holds.get(method);
    if (held) await held;
    await this.lag(method);
    if (!res.destroyed) this.reply(res, answer);
  }

  /** Answers 429 (and records it) when the call breaks the per-channel limit; true when it did. */
  private rateLimit(method: string, args: Args, res: ServerResponse): boolean {
    const channel = typeof args.channel === 'string' ? args.channel : undefined;
    if (!this.limit || !channel || !this.limit.methods.has(method)) return false;
    const now = performance.now();
    const last = this.lastAccepted.get(channel);
    if (last !== undefined && now - last < this.limit.intervalMs) {
      this.rateLimited.push({ method, channel, at: now });
      const retryAfter = Math.max(1, Math.ceil((this.limit.intervalMs - (now - last)) / 1000));
      res.writeHead(429, { 'retry-after': String(retryAfter), 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return true;
    }
    this.lastAccepted.set(channel, now);
    return false;
  }

  private answerAndTell(method: string, args: Args, token?: string): Record<string, unknown> {
    const answer = this.answer(method, args, token);
    this.changed();
    return answer;
  }

  private reply(res: ServerResponse, body: unknown): void {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  }
}

function parseArgs(raw: string, contentType: string): Args {
  if (contentType.includes('application/json')) return raw ? JSON.parse(raw) : {};
  const out: Args = {};
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
