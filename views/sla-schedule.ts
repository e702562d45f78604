import { formatLocalTime } from '../src/domain/local-time.js';
import { pendingTarget, type QueueTicket } from '../src/domain/queues.js';
import { WALL_CLOCK_NAME } from '../src/domain/sla-clock.js';
import { clockNamed, type SlaPolicy } from '../src/domain/sla-policy.js';
import { targetLabel } from './sla-notes.js';
import { safe } from './text.js';

/**
 * Which schedule a ticket's clock runs on and when its next target falls due, read on the team's own clock
 * (the zone of its team schedule), so an agent in another zone sees what the team sees. Undefined before
 * the clock has run (no priority yet).
 */
export function scheduleText(
  t: Pick<QueueTicket, 'sla' | 'status' | 'firstResponseAt'>,
  policy: SlaPolicy,
): string | undefined {
  const name = t.sla?.schedule;
  if (!name) return undefined;
  const zone = clockNamed(policy, t.sla?.team).timeZone;
  const which = name === WALL_CLOCK_NAME ? 'around the clock (24x7)' : `on *${safe(name, 40)}* hours (${zone})`;
  const pending = ['resolved', 'closed'].includes(t.status) ? undefined : pendingTarget(t);
  const due = pending
    ? ` · ${targetLabel(pending.target).toLowerCase()} due ${formatLocalTime(pending.dueAt, zone)}`
    : '';
  return `:clock3: Clock runs ${which}${due}`;
}
