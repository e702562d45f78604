import type { DomainDeps } from './deps.js';
import { incidentPeriodStats, type IncidentPeriodStats } from './incidents/overview.js';
import { clockNamed } from './sla-policy.js';
import type { ResolvedPeriod, Window } from './report-period.js';
import * as q from './report-queries.js';
import { bugPeriodStats, type BugPeriodStats } from './bug-queries.js';
import { CATEGORIES, PRIORITIES, SOURCES, type Category, type Priority, type Source } from './types.js';

/**
 * The figures of one period, computed once for the weekly digest and for `/support-report`: counts and
 * groupings from aggregation pipelines (report-queries.ts), durations from one stream of projected fields.
 */
export interface Durations {
  count: number;
  medianMs?: number;
  p90Ms?: number;
  averageMs?: number;
}

export interface Compliance {
  met: number;
  total: number;
}

export interface Satisfaction {
  responses: number;
  positive: number;
  rate?: number;
}

export interface AssigneeStats {
  assignee: string | null;
  /** Tickets whose first response or resolution fell in the period. */
  handled: number;
  firstResponse: Durations;
  /** Response and resolution targets concluded (or breached) in the period, together. */
  compliance: Compliance;
  satisfaction: Satisfaction;
}

export interface SeriesPoint {
  start: Date;
  created: number;
  resolved: number;
  firstResponse: Durations;
  satisfaction: Satisfaction;
}

export interface PeriodStats {
  window: Window;
  created: number;
  resolved: number;
  /** Open at the end of the window (created before it, neither resolved nor closed by then). */
  openAtEnd: number;
  /** Wall-clock time from creation to the first reply, for first replies sent in the window. */
  firstResponse: Durations;
  /** Wall-clock time from creation to resolution, for resolutions in the window. */
  resolution: Durations;
  /** The same two in business hours (the team's working days and hours), whatever the priority's clock. */
  firstResponseBusiness: Durations;
  resolutionBusiness: Durations;
  /** Per priority: targets that concluded in the window (or were breached in it without concluding) and how many were met. */
  compliance: Array<{ priority: Priority; response: Compliance; resolution: Compliance }>;
  reopened: { count: number; rate?: number };
  satisfaction: Satisfaction;
  topCategories: Array<{ category: Category | null; count: number }>;
  /** Subjects seen at least twice among the tickets created in the window (numbers ignored). */
  recurringSubjects: Array<{ subject: string; count: number }>;
  byCategory: Array<{ category: Category | null; count: number }>;
  byPriority: Array<{ priority: Priority | null; count: number }>;
  byChannel: Array<{ source: Source; count: number }>;
  byAssignee: AssigneeStats[];
  /** From the incidents' own records (declared → resolved), the same figures as the daily summary's. */
  incidents: IncidentPeriodStats;
  /** Bugs filed from cards and fixed, tickets per bug, days to fix (src/domain/bug-queries.ts). */
  bugs: BugPeriodStats;
  /** PRODUCT.md's targets: reopened below 5 %, satisfaction above 90 % positive. */
  targetsMissed: { reopened: boolean; satisfaction: boolean };
  /** Per bucket of the period (days or weeks); empty for the comparison period. */
  series: SeriesPoint[];
}

export interface PeriodReport {
  current: PeriodStats;
  previous: PeriodStats;
}

/** Scores of 4 and 5 (satisfied, very satisfied) count as positive. */
export const POSITIVE_SCORE = 4;
/** PRODUCT.md: reopened rate < 5 %, satisfaction > 90 % positive. */
export const TARGETS = { reopenedBelow: 0.05, satisfactionAbove: 0.9 } as const;

export function durations(values: number[]): Durations {
  if (!values.length) return { count: 0 };
  const sorted = Float64Array.from(values).sort();
  const mid = Math.floor(sorted.length / 2);
  const medianMs = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  // Nearest rank: the smallest value with at least 90 % of the values at or below it.
  const p90Ms = sorted[Math.ceil(0.9 * sorted.length) - 1]!;
  let sum = 0;
  for (const v of sorted) sum += v;
  return { count: values.length, medianMs, p90Ms, averageMs: sum / values.length };
}

const rate = (part: number, whole: number) => (whole ? { rate: part / whole } : {});

/** "Re: Export fails (#123)" and "export fails #456" are the same recurring subject. */
export function subjectKey(subject: string): string {
  return subject
    .toLowerCase()
    .replace(/^\s*((re|fwd?|aw|wg)\s*:\s*)+/i, '')
    .replace(/\[sup-\d+\]/g, '')
    .replace(/\d+/g, '#')
    .replace(/[^\p{L}#]+/gu, ' ')
    .trim();
}

/** What the stream reads of a ticket: no bodies, no mail, only the timeline's kinds and times. */
export const STREAM_FIELDS = {
  _id: 0,
  createdAt: 1,
  firstResponseAt: 1,
  priority: 1,
  suggestedPriority: 1,
  assignee: 1,
  'sla.policyPriority': 1,
  'sla.team': 1,
  'sla.responseMet': 1,
  'sla.resolutionMet': 1,
  'sla.responseBreachedAt': 1,
  'sla.resolutionBreachedAt': 1,
  'timeline.kind': 1,
  'timeline.at': 1,
} as const;

interface StreamRow {
  createdAt: Date;
  firstResponseAt?: Date | null;
  priority?: string | null;
  suggestedPriority?: string | null;
  assignee?: string | null;
  sla?: {
    policyPriority?: string | null;
    team?: string | null;
    responseMet?: boolean | null;
    resolutionMet?: boolean | null;
    responseBreachedAt?: Date | null;
    resolutionBreachedAt?: Date | null;
  } | null;
  timeline?: Array<{ kind: string; at: Date }>;
}

const inWindow = (d: Date | null | undefined, w: Window) => !!d && d >= w.start && d < w.end;

/** Index of the bucket holding `d` (buckets are ascending starts). */
function bucketOf(d: Date, buckets: Date[]): number {
  let i = buckets.length - 1;
  while (i > 0 && buckets[i]! > d) i--;
  return i;
}

type Deps = Pick<DomainDeps, 'models' | 'policy'>;

/** One period's figures; `buckets` (chart buckets) only for the period shown, not for the comparison. */
export async function computePeriodStats(deps: Deps, w: Window, buckets: Date[] = []): Promise<PeriodStats> {
  const { Ticket } = deps.models;
  await q.ensureReportIndexes(Ticket);
  const [groups, subjects, createdSeries, reopened, ratings, ratingSeries, openAtEnd, incidents, bugs] =
    await Promise.all([
      q.createdGroups(Ticket, w),
      q.subjectGroups(Ticket, w),
      q.createdPerBucket(Ticket, w, buckets),
      q.reopenedCount(Ticket, w),
      q.ratingsByAssignee(Ticket, w, POSITIVE_SCORE),
      q.ratingsPerBucket(Ticket, w, buckets, POSITIVE_SCORE),
      q.openAt(Ticket, w.end),
      incidentPeriodStats(deps, w, w.end),
      bugPeriodStats(deps, w),
    ]);

  const fr: number[] = [];
  const frBusiness: number[] = [];
  const res: number[] = [];
  const resBusiness: number[] = [];
  const compliance = new Map(
    PRIORITIES.map((p) => [p, { response: { met: 0, total: 0 }, resolution: { met: 0, total: 0 } }]),
  );
  const people = new Map<string | null, { handled: number; fr: number[]; compliance: Compliance }>();
  const perBucket = buckets.map(() => ({ resolved: 0, fr: [] as number[] }));
  const count = (c: Compliance, met: boolean) => ((c.total += 1), met && (c.met += 1));

  // Every ticket whose first response, resolution or breach falls in the window, projected fields only.
  const cursor = Ticket.find(
    {
      $or: [
        { firstResponseAt: q.inWindow(w) },
        q.eventIn('resolved', w),
        { 'sla.responseBreachedAt': q.inWindow(w) },
        { 'sla.resolutionBreachedAt': q.inWindow(w) },
      ],
    },
    STREAM_FIELDS,
  )
    .lean<StreamRow>()
    .batchSize(5000)
    .cursor();
  for await (const t of cursor) {
    const priority = (t.priority ?? t.suggestedPriority ?? t.sla?.policyPriority ?? null) as Priority | null;
    const c = priority ? compliance.get(priority) : undefined;
    const who = t.assignee ?? null;
    // Business hours of the ticket's team schedule: the one its targets ran on.
    const business = clockNamed(deps.policy, t.sla?.team);
    let person = people.get(who);
    if (!person) people.set(who, (person = { handled: 0, fr: [], compliance: { met: 0, total: 0 } }));
    let handled = false;
    if (inWindow(t.firstResponseAt, w)) {
      const ms = t.firstResponseAt!.getTime() - t.createdAt.getTime();
      fr.push(ms);
      frBusiness.push(business.between(t.createdAt, t.firstResponseAt!));
      person.fr.push(ms);
      if (buckets.length) perBucket[bucketOf(t.firstResponseAt!, buckets)]!.fr.push(ms);
      handled = true;
      if (c && t.sla?.responseMet != null)
        count(c.response, t.sla.responseMet), count(person.compliance, t.sla.responseMet);
    } else if (c && inWindow(t.sla?.responseBreachedAt, w) && !(t.firstResponseAt && t.firstResponseAt < w.end)) {
      count(c.response, false);
      count(person.compliance, false);
    }
    let lastResolved: Date | undefined;
    for (const e of t.timeline ?? []) if (e.kind === 'resolved' && inWindow(e.at, w)) lastResolved = e.at;
    if (lastResolved) {
      res.push(lastResolved.getTime() - t.createdAt.getTime());
      resBusiness.push(business.between(t.createdAt, lastResolved));
      if (buckets.length) perBucket[bucketOf(lastResolved, buckets)]!.resolved++;
      handled = true;
      if (c && t.sla?.resolutionMet != null)
        count(c.resolution, t.sla.resolutionMet), count(person.compliance, t.sla.resolutionMet);
    } else if (c && inWindow(t.sla?.resolutionBreachedAt, w)) {
      count(c.resolution, false);
      count(person.compliance, false);
    }
    if (handled) person.handled++;
  }

  const created = groups.reduce((n, g) => n + g.count, 0);
  const sumBy = <K extends string | null>(key: (g: q.CreatedGroup) => K, order: readonly K[]) => {
    const m = new Map<K, number>(order.map((k) => [k, 0]));
    for (const g of groups) m.set(key(g), (m.get(key(g)) ?? 0) + g.count);
    return [...m.entries()].filter(([k, n]) => n > 0 || order.includes(k)).map(([k, n]) => ({ key: k, count: n }));
  };
  const byCategory = sumBy((g) => g.category as Category | null, [...CATEGORIES, null])
    .filter((x) => x.count > 0)
    .map(({ key, count: n }) => ({ category: key, count: n }))
    .sort((a, b) => b.count - a.count || String(a.category).localeCompare(String(b.category)));
  const byPriority = sumBy((g) => g.priority as Priority | null, [...PRIORITIES, null])
    .filter((x) => x.key !== null || x.count > 0)
    .map(({ key, count: n }) => ({ priority: key, count: n }));
  // GitHub is a channel only where GITHUB_INTAKE_LABEL is set: listed when it brought tickets.
  const byChannel = sumBy((g) => g.source as Source, SOURCES)
    .filter(({ key, count: n }) => n > 0 || key !== 'github')
    .map(({ key, count: n }) => ({ source: key, count: n }));

  const merged = new Map<string, { subject: string; count: number }>();
  for (const s of subjects) {
    const key = subjectKey(s.subject);
    if (key)
      merged.set(key, {
        subject: merged.get(key)?.subject ?? s.subject,
        count: (merged.get(key)?.count ?? 0) + s.count,
      });
  }

  const ratingsOf = new Map(ratings.map((r) => [r.assignee, r]));
  for (const r of ratings)
    if (!people.has(r.assignee)) people.set(r.assignee, { handled: 0, fr: [], compliance: { met: 0, total: 0 } });
  const responses = ratings.reduce((n, r) => n + r.responses, 0);
  const positive = ratings.reduce((n, r) => n + r.positive, 0);

  return {
    window: w,
    created,
    resolved: res.length,
    openAtEnd,
    firstResponse: durations(fr),
    resolution: durations(res),
    firstResponseBusiness: durations(frBusiness),
    resolutionBusiness: durations(resBusiness),
    compliance: PRIORITIES.map((priority) => ({ priority, ...compliance.get(priority)! })),
    reopened: { count: reopened, ...rate(reopened, res.length) },
    satisfaction: { responses, positive, ...rate(positive, responses) },
    topCategories: byCategory.slice(0, 5),
    recurringSubjects: [...merged.values()]
      .filter((s) => s.count >= 2)
      .sort((a, b) => b.count - a.count || a.subject.localeCompare(b.subject))
      .slice(0, 5),
    byCategory,
    byPriority,
    byChannel,
    byAssignee: [...people.entries()]
      .map(([assignee, p]) => {
        const r = ratingsOf.get(assignee);
        return {
          assignee,
          handled: p.handled,
          firstResponse: durations(p.fr),
          compliance: p.compliance,
          satisfaction: {
            responses: r?.responses ?? 0,
            positive: r?.positive ?? 0,
            ...rate(r?.positive ?? 0, r?.responses ?? 0),
          },
        };
      })
      .sort((a, b) => b.handled - a.handled || String(a.assignee).localeCompare(String(b.assignee))),
    targetsMissed: {
      reopened: !!res.length && reopened / res.length >= TARGETS.reopenedBelow,
      satisfaction: !!responses && positive / responses <= TARGETS.satisfactionAbove,
    },
    incidents,
    bugs,
    series: buckets.map((start, i) => ({
      start,
      created: createdSeries[i] ?? 0,
      resolved: perBucket[i]!.resolved,
      firstResponse: durations(perBucket[i]!.fr),
      satisfaction: { ...ratingSeries[i]!, ...rate(ratingSeries[i]!.positive, ratingSeries[i]!.responses) },
    })),
  };
}

/** The period and the one of the same length before it. */
export async function computeReport(
  deps: Deps,
  period: Pick<ResolvedPeriod, 'current' | 'previous' | 'buckets'>,
): Promise<PeriodReport> {
  const [current, previous] = await Promise.all([
    computePeriodStats(deps, period.current, period.buckets),
    computePeriodStats(deps, period.previous),
  ]);
  return { current, previous };
}
