import type { DeskbellApp } from '../app.js';

type Falsy = undefined | null | false | 0 | '';

/**
 * Polls `probe` until it returns something truthy; fails naming `what` after `timeoutMs`.
 * The one poll loop of the test rig and the sandbox: the Slack stand-in, the mail sink, the fixtures and the
 * sandbox's demo week wait through it.
 */
export async function waitFor<T>(
  probe: () => T | Falsy | Promise<T | Falsy>,
  what: string,
  timeoutMs = 15_000,
  describe?: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${describe ? `; ${describe()}` : ''}`);
    await tick(25);
  }
}

function tick(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Slack requests each app is still handling (Bolt acks first and works on after the HTTP answer). */
const handling = new WeakMap<DeskbellApp, { count: number }>();

/**
 * Counts the Slack requests `app` is processing, so `settled` can wait for handlers that are still
 * working after their ack. The test harness and the sandbox call it for every app they start.
 */
export function trackHandlers(app: DeskbellApp): void {
  if (handling.has(app)) return;
  const counter = { count: 0 };
  handling.set(app, counter);
  const processEvent = app.bolt.processEvent.bind(app.bolt);
  app.bolt.processEvent = async (event) => {
    counter.count += 1;
    try {
      return await processEvent(event);
    } finally {
      counter.count -= 1;
    }
  };
}

export interface SettleOptions {
  /** A job due within this many ms still counts as work to wait for (raise it for jobs scheduled with a delay). */
  horizonMs?: number;
  timeoutMs?: number;
}

/**
 * Waits until the apps are idle: no Slack request still being handled, no job or effect running and none
 * due within `horizonMs` (1 s), seen three polls in a row. "Nothing more happened" is then checked after the
 * work is done, not after a guessed sleep.
 */
export async function settled(
  apps: DeskbellApp | DeskbellApp[],
  { horizonMs = 1000, timeoutMs = 110_000 }: SettleOptions = {},
): Promise<void> {
  const list = Array.isArray(apps) ? apps : [apps];
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  let why = '';
  while (quiet < 3) {
    if (Date.now() > deadline) throw new Error(`the apps did not settle: ${why}`);
    let busy = list.some((app) => (handling.get(app)?.count ?? 0) > 0);
    why = busy ? 'a Slack request is still being handled' : '';
    for (const app of list) {
      if (busy) break;
      const jobs = app.context.db.collection('agendaJobs');
      const due = await jobs
        .find(
          {
            disabled: { $ne: true },
            $or: [{ lockedAt: { $ne: null } }, { nextRunAt: { $lte: new Date(Date.now() + horizonMs) } }],
          },
          { projection: { name: 1, lockedAt: 1, nextRunAt: 1, failCount: 1, failReason: 1 } },
        )
        .limit(3)
        .toArray();
      const effects = await app.context.models.Effect.find(
        { $or: [{ owner: { $ne: null } }, { nextAt: { $lte: new Date(Date.now() + horizonMs) } }] },
        { name: 1, owner: 1, nextAt: 1, attempts: 1, lastError: 1 },
      )
        .limit(3)
        .lean();
      busy = due.length > 0 || effects.length > 0 || app.context.worker.busy;
      // Said when it times out: which jobs and effects kept the apps busy, and why they fail if they do.
      why =
        [
          ...due.map(
            (j) =>
              `${j.name} (${j.lockedAt ? 'running' : `due ${j.nextRunAt?.toISOString()}`}${j.failCount ? `, failed ${j.failCount}×: ${String(j.failReason).slice(0, 120)}` : ''})`,
          ),
          ...effects.map(
            (e) =>
              `effect ${e._id} (${e.owner ? 'running' : `due ${e.nextAt?.toISOString()}`}${e.attempts ? `, failed ${e.attempts}×: ${String(e.lastError).slice(0, 120)}` : ''})`,
          ),
        ].join('; ') || (app.context.worker.busy ? 'the delivery worker is busy' : '');
    }
    quiet = busy ? 0 : quiet + 1;
    await tick(50);
  }
}
