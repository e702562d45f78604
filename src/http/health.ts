import type { Connection } from 'mongoose';
import type { WebClient } from '@slack/web-api';
import type { Clock } from '../clock.js';

export interface HealthProbe {
  db: Connection;
  slack: WebClient;
  clock: Clock;
  scheduler: () => { running: boolean; lastSweepAt?: Date };
}

export interface HealthReport {
  ok: boolean;
  checks: Record<string, { ok: boolean; detail?: string }>;
}

const SLACK_CACHE_MS = 60_000;

/** Builds the /healthz check. Slack's answer is cached for a minute so load balancers polling often don't hit Slack's rate limits. */
export function createHealthCheck(probe: HealthProbe): () => Promise<HealthReport> {
  let slackCache: { at: number; result: { ok: boolean; detail?: string } } | undefined;

  async function database() {
    try {
      if (probe.db.readyState !== 1 || !probe.db.db) return { ok: false, detail: 'not connected' };
      await withTimeout(probe.db.db.admin().ping(), 2000);
      return { ok: true };
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
    const sched = probe.scheduler();
    const scheduler = { ok: sched.running, detail: sched.lastSweepAt ? `last SLA sweep ${sched.lastSweepAt.toISOString()}` : sched.running ? 'running' : 'stopped' };
    const checks = { database: db, slack: sl, scheduler };
    return { ok: Object.values(checks).every((c) => c.ok), checks };
  };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, fail) => setTimeout(() => fail(new Error(`no answer within ${ms} ms`)), ms).unref())]);
}
