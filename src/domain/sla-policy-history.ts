import { isDuplicateKeyError } from '../db/models/idempotency-key.js';
import type { DomainDeps } from './deps.js';
import { buildSlaPolicy, type SlaPolicy } from './sla-policy.js';
import { refreshSlaState } from './sla-sweep.js';
import { OPEN_STATUSES } from './types.js';

/**
 * A policy change applies from the moment it takes effect: to new targets and to the remainder of running
 * ones, as a priority change does. Each start records its policy as the next version when it differs from
 * the latest (two processes starting together agree through the unique version number), and keeps every
 * version with when it took effect, so time a ticket ran under an earlier policy is counted under that one.
 */
export async function recordPolicyVersion(
  deps: Pick<DomainDeps, 'models' | 'logger'>,
  policy: SlaPolicy,
  now: Date,
): Promise<{ inserted: boolean }> {
  const { SlaPolicyVersion } = deps.models;
  let inserted = false;
  for (let attempt = 0; attempt < 5 && !inserted; attempt++) {
    const latest = await SlaPolicyVersion.findOne().sort({ _id: -1 }).lean();
    if (latest?.policyId === policy.id) break;
    try {
      await SlaPolicyVersion.create({
        _id: (latest?._id ?? 0) + 1,
        policyId: policy.id,
        source: policy.source,
        timeZone: policy.timeZone,
        since: now,
      });
      inserted = true;
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
  }
  const versions = await SlaPolicyVersion.find().sort({ _id: 1 }).lean();
  policy.history = versions.flatMap((v) => {
    if (v.policyId === policy.id) return [{ policy, since: v.since }];
    try {
      return [{ policy: buildSlaPolicy(v.source, v.timeZone, `version ${v._id}`), since: v.since }];
    } catch (err) {
      // A version this code can no longer read: its stretch is counted under the next one.
      deps.logger.warn({ err, version: v._id }, 'an earlier SLA policy cannot be read any more');
      return [];
    }
  });
  if (inserted) deps.logger.info({ policy: policy.id, versions: versions.length }, 'new SLA policy in effect');
  return { inserted };
}

/** Recomputes the due times of running tickets counted under an earlier policy (after a change takes effect). */
export async function applyPolicyToRunningTickets(deps: DomainDeps): Promise<number> {
  const ids = deps.models.Ticket.find(
    { status: { $in: OPEN_STATUSES }, 'sla.policyId': { $ne: deps.policy.id } },
    { _id: 1 },
  )
    .lean()
    .cursor();
  let done = 0;
  for await (const t of ids) {
    await refreshSlaState(deps, String(t._id));
    done++;
  }
  return done;
}
