import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Connection } from 'mongoose';
import type { WebClient } from '@slack/web-api';
import type { Clock } from '../clock.js';
import { describeServer } from '../db/connect.js';

export interface HealthProbe {
  db: Connection;
  slack: WebClient;
  clock: Clock;
  /** Whether this process's scheduler runs. */
  schedulerRunning: () => boolean;
  /** When any process sharing the database last finished an SLA sweep. */
  lastSweepAt: () => Promise<Date | undefined>;
}

export interface HealthReport {
  ok: boolean;
  checks: Record<string, { ok: boolean; detail?: string }>;
}

const SLACK_CACHE_MS = 60_000;

/** Builds the /healthz check. Slack's answer is cached for a minute so load balancers polling often don't hit Slack's rate limits. */
export function createHealthCheck(probe: HealthProbe): () => Promise<HealthReport> {
  let slackCache: { at: number; result: { ok: boolean; detail?: string } } | undefined;
  let server: string | undefined;

  async function database() {
    try {
      if (probe.db.readyState !== 1 || !probe.db.db) return { ok: false, detail: 'not connected' };
      await withTimeout(probe.db.db.admin().ping(), 2000);
      server ??= await withTimeout(describeServer(probe.db), 2000);
      return { ok: true, detail: server };
    } catch (err) {
      return { ok: false, detail: (err as Error).message };
    }
  }

  async function slack() {
    const now = probe.clock.now().getTime();
    if (slackCache && now - slackCache.at < SLACK_CACHE_MS) return slackCache.result;
    let result: { ok: boolean; detail?: string };
    try {
      const auth = await withTimeout(probe.slack.auth.test(), 3000);
      result = { ok: auth.ok === true, detail: auth.team ? `team ${auth.team}` : undefined };
    } catch (err) {
      result = { ok: false, detail: (err as Error).message };
    }
    slackCache = { at: now, result };
    return result;
  }

  return async () => {
    const [db, sl] = await Promise.all([database(), slack()]);
    const running = probe.schedulerRunning();
    const last = db.ok ? await withTimeout(probe.lastSweepAt(), 2000).catch(() => undefined) : undefined;
    const scheduler = {
      ok: running,
      detail: !running ? 'stopped' : last ? `last SLA sweep ${last.toISOString()}` : 'running',
    };
    const checks = { database: db, slack: sl, scheduler };
    return { ok: Object.values(checks).every((c) => c.ok), checks };
  };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, fail) => setTimeout(() => fail(new Error(`no answer within ${ms} ms`)), ms).unref()),
  ]);
}

/**
 * Whether a /healthz caller may read the details (error messages, the workspace's name, the last SLA
 * sweep): only one presenting HEALTH_TOKEN as a bearer token. Where a request comes from proves nothing: a
 * reverse proxy on this machine makes every caller look local. Everyone else (a load balancer, a monitor)
 * learns ok or not ok per check, which is all a probe needs.
 */
export function mayReadHealthDetails(req: IncomingMessage, token: string | undefined): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(String(req.headers.authorization ?? ''));
  if (!token || !m) return false;
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(m[1]!), digest(token));
}

export function withoutDetails(report: HealthReport): HealthReport {
  return {
    ok: report.ok,
    checks: Object.fromEntries(Object.entries(report.checks).map(([name, c]) => [name, { ok: c.ok }])),
  };
}
