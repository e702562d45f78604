import type { Agenda } from 'agenda';
import type { AppContext } from '../src/context.js';

/** Defines every Agenda job; one file a topic. */
export function defineJobs(agenda: Agenda, ctx: AppContext): void {
  void agenda;
  void ctx;
}

/** Creates (idempotently) the recurring jobs once the scheduler runs. */
export async function scheduleRecurringJobs(agenda: Agenda, ctx: AppContext): Promise<void> {
  void agenda;
  void ctx;
}
