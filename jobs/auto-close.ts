import type { Agenda } from 'agenda';
import type { AppContext } from '../src/context.js';
import { autoCloseResolved } from '../src/domain/resolution.js';
import { JobNames } from './names.js';

/** How often resolved tickets are checked for AUTO_CLOSE_DAYS without a reply. */
export const AUTO_CLOSE_INTERVAL = '15 minutes';

export function defineAutoCloseJob(agenda: Agenda, ctx: AppContext): void {
  agenda.define(JobNames.autoClose, async () => void (await autoCloseResolved(ctx)), { concurrency: 1 });
}
