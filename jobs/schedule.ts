import type { Agenda } from 'agenda';

/**
 * `agenda.every` that refuses a bad interval at start: Agenda itself saves such a job with no next run and
 * only records the error on it, so the job would silently never run.
 */
export async function everyOrExplain(
  agenda: Agenda,
  interval: string,
  name: string,
  variable: string,
  timezone?: string,
): Promise<void> {
  const probe = agenda.create(name).repeatEvery(interval, timezone ? { timezone } : {});
  if (!probe.attrs.nextRunAt) {
    throw new Error(
      `${variable}="${interval}" is neither a cron expression ("30 9 * * 1-5") nor an interval ("1 minute", "30 seconds")`,
    );
  }
  await agenda.every(interval, name, undefined, timezone ? { timezone } : {});
}
