import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DomainDeps } from './deps.js';
import { DomainError } from './errors.js';
import { parseReportArgs, type ReportRequest, type Window } from './report-period.js';
import { buildSlaPolicy, type SlaPolicy } from './sla-policy.js';
import {
  SLA_TARGETS,
  TARGET_FIELDS,
  updateSlaState,
  type ClockTicket,
  type SlaState,
  type SlaTarget,
} from './sla-state.js';
import { PRIORITIES, type Priority } from './types.js';

/**
 * SLA what-if: the period's tickets (created in it) replayed from their timelines (priority changes, waits on
 * the customer, first reply, resolutions, reopenings) against the current policy and against another one, so
 * the difference is the policy's alone. Routing facts (category, webhook fields, address, assignee's groups)
 * are taken as they are now. Read-only: nothing is written.
 */
export interface WhatIfRequest {
  /** A policy file name (`friday.json`, beside SLA_POLICY_FILE) or a schedule of the current policy. */
  alternative: string;
  period: ReportRequest['period'];
}

export function parseWhatIfArgs(text: string): { ok: true; request: WhatIfRequest } | { ok: false; error: string } {
  const [word, alternative, ...rest] = text.trim().split(/\s+/);
  if (word?.toLowerCase() !== 'sla-whatif' || !alternative)
    return {
      ok: false,
      error: 'Name a policy file or a schedule: `/support-report sla-whatif friday.json last month`',
    };
  const parsed = parseReportArgs(rest.join(' '));
  if (!parsed.ok) return parsed;
  return { ok: true, request: { alternative, period: parsed.request.period } };
}

const scheduleNames = (p: SlaPolicy) => [...p.clocks.keys()].filter((n) => n !== '24x7').join(', ');
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}\.json$/;

/**
 * The policy to compare with. A schedule name: the current policy with every `business` target on that
 * schedule. A file: a `.json` name in `dir` (the folder of SLA_POLICY_FILE); no paths, and a file that does not
 * parse is refused without quoting it, since whoever runs the command may not read the server's files.
 */
export function alternativePolicy(current: SlaPolicy, name: string, dir: string): { policy: SlaPolicy; label: string } {
  if (current.clocks.has(name) && name !== '24x7') {
    return {
      policy: buildSlaPolicy(
        { ...(current.source as object), defaultSchedule: name, routing: [] },
        current.timeZone,
        `schedule ${name}`,
      ),
      label: `every team on the *${name}* schedule`,
    };
  }
  if (!FILE_NAME.test(name))
    throw new DomainError(
      `\`${name.slice(0, 60)}\` is neither a schedule (${scheduleNames(current)}) ` +
        'nor a policy file name such as `friday.json`.',
    );
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(join(dir, name), 'utf8'));
  } catch {
    throw new DomainError(`I cannot read \`${name}\` as JSON in the policy folder.`);
  }
  try {
    return { policy: buildSlaPolicy(raw, current.timeZone, name), label: `the policy in *${name}*` };
  } catch (err) {
    throw new DomainError((err as Error).message.replace(/^SLA_POLICY_FILE /, ''));
  }
}

export interface Outcomes {
  met: number;
  /** Targets concluded or breached (open ones not yet breached do not count). */
  total: number;
  breaches: number;
  warnings: number;
}

export interface WhatIfReport {
  window: Window;
  tickets: number;
  rows: Array<{ priority: Priority; now: Outcomes; whatIf: Outcomes }>;
}

interface Row {
  createdAt: Date;
  priority?: string | null;
  suggestedPriority?: string | null;
  category?: string | null;
  suggestedCategory?: string | null;
  source?: string | null;
  metadata?: unknown;
  email?: { to?: string | null } | null;
  firstResponseAt?: Date | null;
  sla?: { assigneeGroups?: string[] | null } | null;
  timeline?: Array<{
    kind: string;
    at: Date;
    data?: { priority?: string; previous?: string | null; statusTo?: string; to?: string };
  }>;
}

const FIELDS = {
  _id: 0,
  createdAt: 1,
  priority: 1,
  suggestedPriority: 1,
  category: 1,
  suggestedCategory: 1,
  source: 1,
  metadata: 1,
  'email.to': 1,
  firstResponseAt: 1,
  'sla.assigneeGroups': 1,
  'timeline.kind': 1,
  'timeline.at': 1,
  'timeline.data.priority': 1,
  'timeline.data.previous': 1,
  'timeline.data.statusTo': 1,
  'timeline.data.to': 1,
} as const;

/** Which SLA state an event moves the ticket to (status, priority, first reply); undefined for the rest. */
function apply(
  t: ClockTicket,
  e: NonNullable<Row['timeline']>[number],
  firstResponseAt: Date | null | undefined,
): void {
  if (e.kind === 'priority_set' && e.data?.priority) t.priority = e.data.priority as never;
  if (e.kind === 'agent_reply') {
    if (e.data?.statusTo) t.status = e.data.statusTo as never;
    if (firstResponseAt && e.at >= firstResponseAt) t.firstResponseAt = firstResponseAt;
  }
  if (e.kind === 'resolved' || e.kind === 'closed') t.status = e.kind;
  if ((e.kind === 'reopened' || e.kind === 'status_changed') && (e.data?.statusTo ?? e.data?.to))
    t.status = (e.data?.statusTo ?? e.data?.to) as never;
}

/** One ticket's history under `policy`: per target, met or not (undefined while open), breached, warned. */
export function replay(
  row: Row,
  policy: SlaPolicy,
  until: Date,
): Record<SlaTarget, { met?: boolean; breached: boolean; warned: boolean }> {
  const events = (row.timeline ?? []).filter((e) => e.at <= until).sort((a, b) => a.at.getTime() - b.at.getTime());
  const firstPriority = events.find((e) => e.kind === 'priority_set');
  const t: ClockTicket = {
    priority: (firstPriority ? (firstPriority.data?.previous ?? null) : (row.priority ?? null)) as never,
    suggestedPriority: (row.suggestedPriority ?? null) as never,
    status: 'new',
    createdAt: row.createdAt,
    firstResponseAt: undefined,
    category: row.category as never,
    suggestedCategory: row.suggestedCategory as never,
    source: row.source as never,
    metadata: row.metadata,
    email: row.email ?? null,
    sla: { assigneeGroups: row.sla?.assigneeGroups ?? undefined },
  };
  const out = {
    response: { breached: false, warned: false },
    resolution: { breached: false, warned: false },
  } as Record<SlaTarget, { met?: boolean; breached: boolean; warned: boolean }>;
  const look = (at: Date) => {
    const sla = t.sla as SlaState;
    for (const target of SLA_TARGETS) {
      const f = TARGET_FIELDS[target];
      if (sla[f.warnDue] && sla[f.warnDue]! <= at) out[target].warned = true;
      if (sla[f.warnDue] && sla[f.due] && sla[f.due]! <= at) out[target].breached = out[target].warned = true;
    }
  };
  updateSlaState(t, policy, row.createdAt);
  for (const e of events) {
    look(e.at);
    apply(t, e, row.firstResponseAt);
    updateSlaState(t, policy, e.at);
  }
  look(until);
  const sla = t.sla as SlaState;
  out.response.met = sla.responseMet ?? undefined;
  out.resolution.met = ['resolved', 'closed'].includes(t.status) ? (sla.resolutionMet ?? undefined) : undefined;
  return out;
}

const empty = (): Outcomes => ({ met: 0, total: 0, breaches: 0, warnings: 0 });

export async function computeWhatIf(
  deps: Pick<DomainDeps, 'models' | 'policy' | 'clock'>,
  w: Window,
  alternative: SlaPolicy,
): Promise<WhatIfReport> {
  const until = deps.clock.now();
  const rows = new Map(PRIORITIES.map((p) => [p, { priority: p, now: empty(), whatIf: empty() }]));
  const count = (o: Outcomes, r: ReturnType<typeof replay>) => {
    for (const target of SLA_TARGETS) {
      const x = r[target];
      if (x.met !== undefined || x.breached) o.total++, x.met === true && !x.breached && o.met++;
      if (x.breached) o.breaches++;
      if (x.warned) o.warnings++;
    }
  };
  let tickets = 0;
  const cursor = deps.models.Ticket.find({ createdAt: { $gte: w.start, $lt: w.end } }, FIELDS)
    .lean<Row>()
    .batchSize(2000)
    .cursor();
  for await (const row of cursor) {
    const priority = (row.priority ?? row.suggestedPriority) as Priority | null;
    if (!priority) continue;
    tickets++;
    const at = rows.get(priority)!;
    count(at.now, replay(row, deps.policy, until));
    count(at.whatIf, replay(row, alternative, until));
  }
  return { window: w, tickets, rows: [...rows.values()] };
}
