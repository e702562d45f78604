import type { Models } from '../../db/models/index.js';
import { onCallAt } from './oncall.js';
import type { IncidentSettings } from './settings.js';

export interface OnCall {
  /** People paged by name (the rotation's primary). */
  users: string[];
  /** Next in line: paged too when a page goes unanswered. */
  secondary?: string;
  /** A user group paged as a whole (ONCALL_USERGROUP, else the leads) when there is no rotation. */
  usergroup?: string;
  /** When the current shift ends (rotation only). */
  until?: Date;
  source: 'rotation' | 'usergroup' | 'leads' | 'nobody';
}

/** Who is on call at `now`: ONCALL_FILE (with overrides taken in Slack), else ONCALL_USERGROUP, else the leads. */
export async function whoIsOnCall(
  deps: { models: Pick<Models, 'OnCallOverride'>; incidents: IncidentSettings },
  now: Date,
): Promise<OnCall> {
  const s = deps.incidents;
  if (s.rotation) {
    const taken = await deps.models.OnCallOverride.find({ from: { $lte: now }, to: { $gt: now } }).lean();
    const who = onCallAt(
      s.rotation,
      now,
      taken.map((o) => ({ user: o.user, from: o.from, to: o.to })),
    );
    return {
      users: [who.primary],
      ...(who.secondary ? { secondary: who.secondary } : {}),
      until: who.until,
      source: 'rotation',
    };
  }
  if (s.oncallUsergroup) return { users: [], usergroup: s.oncallUsergroup, source: 'usergroup' };
  if (s.leadsUsergroup) return { users: [], usergroup: s.leadsUsergroup, source: 'leads' };
  return { users: [], source: 'nobody' };
}

/** `/support oncall take [until <date>]`: the caller covers from now until `until` (default: the end of the current shift). */
export async function takeOnCall(
  deps: { models: Pick<Models, 'OnCallOverride'>; incidents: IncidentSettings },
  user: string,
  now: Date,
  until?: Date,
): Promise<{ until: Date }> {
  const current = await whoIsOnCall(deps, now);
  const end = until ?? current.until ?? new Date(now.getTime() + 7 * 86_400_000);
  await deps.models.OnCallOverride.create({ user, from: now, to: end, createdAt: now });
  return { until: end };
}
