import type { DeskbellApp } from '../../src/app.js';

/** Polls `probe` until it returns something truthy; fails naming `what` after `timeoutMs`. */
export async function waitFor<T>(probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Waits until the apps' job queue is idle: no job running and none due within a second, seen three polls
 * in a row. "Nothing more happened" is then checked after the work is done, not after a guessed sleep.
 */
export async function settled(apps: DeskbellApp | DeskbellApp[], timeoutMs = 20_000): Promise<void> {
  const app = Array.isArray(apps) ? apps[0]! : apps;
  const jobs = app.context.db.collection('agendaJobs');
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  while (quiet < 3) {
    if (Date.now() > deadline) throw new Error('the job queue did not settle');
    const busy = await jobs.countDocuments({ disabled: { $ne: true }, $or: [{ lockedAt: { $ne: null } }, { nextRunAt: { $lte: new Date(Date.now() + 1000) } }] });
    quiet = busy ? 0 : quiet + 1;
    await new Promise((r) => setTimeout(r, 50));
  }
}
