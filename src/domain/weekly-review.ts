import { OnceKeys, DeliveryKinds } from '../db/once-keys.js';
import type { DeliverSummary } from './daily-summary.js';
import type { DomainDeps } from './deps.js';
import { formatLocalDate, localDate, shiftLocalDays } from './sla-clock.js';
import type { SlaState } from './sla-state.js';
import { PRIORITIES, type Category, type Priority } from './types.js';

export interface WeekWindow {
  start: Date;
  end: Date;
}

export interface Durations {
  count: number;
  medianMs?: number;
  averageMs?: number;
}

export interface Compliance {
  met: number;
  total: number;
}

export interface WeekStats {
  window: WeekWindow;
  created: number;
  resolved: number;
  /** Open at the end of the window (created before it, neither resolved nor closed by then). */
  openAtEnd: number;
  /** Wall-clock time from creation to the first reply, for first replies sent in the window. */
  firstResponse: Durations;
  /** Wall-clock time from creation to resolution, for resolutions in the window. */
  resolution: Durations;
  /** Per priority: targets that concluded in the window (or were breached in it without concluding) and how many were met. */
  compliance: Array<{ priority: Priority; response: Compliance; resolution: Compliance }>;
  reopened: { count: number; rate?: number };
  satisfaction: { responses: number; positive: number; rate?: number };
  topCategories: Array<{ category: Category | null; count: number }>;
  /** Subjects seen at least twice among the tickets created in the window (numbers ignored). */
  recurringSubjects: Array<{ subject: string; count: number }>;
}

export interface WeeklyReview {
  current: WeekStats;
  previous: WeekStats;
}

/** What the review reads of a ticket; the timeline only by kind, time and a satisfaction score. */
export interface ReviewRow {
  subject: string;
  category?: string | null;
  priority?: string | null;
  suggestedPriority?: string | null;
  createdAt: Date;
  firstResponseAt?: Date | null;
  sla?: SlaState | null;
  timeline?: Array<{ kind: string; at: Date; data?: { score?: number; surveyId?: string } | null }>;
}

export const REVIEW_FIELDS = {
  subject: 1,
  category: 1,
  priority: 1,
  suggestedPriority: 1,
  createdAt: 1,
  firstResponseAt: 1,
  sla: 1,
  'timeline.kind': 1,
  'timeline.at': 1,
  'timeline.data.score': 1,
  'timeline.data.surveyId': 1,
} as const;

/** Scores of 4 and 5 (satisfied, very satisfied) count as positive. */
export const POSITIVE_SCORE = 4;

/** The seven days before `end` in the team's time zone (same local time a week earlier, across DST). */
export function weekEndingAt(end: Date, timeZone: string): WeekWindow {
  return { start: shiftLocalDays(end, -7, timeZone), end };
}

const within = (d: Date | null | undefined, w: WeekWindow) => !!d && d >= w.start && d < w.end;

function durations(values: number[]): Durations {
  if (!values.length) return { count: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const medianMs = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { count: values.length, medianMs, averageMs: values.reduce((a, b) => a + b, 0) / values.length };
}

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

/**
 * The numbers of one week from the tickets that changed since its start. Pure, so a known set of tickets
 * gives known numbers. Resolutions, reopenings and ratings are read from the timeline (a reopened ticket
 * loses its `resolvedAt`, but its `resolved` event stays).
 */
export function weekStats(rows: ReviewRow[], window: WeekWindow, openAtEnd: number): WeekStats {
  const firstResponses: number[] = [];
  const resolutions: number[] = [];
  let created = 0;
  let reopened = 0;
  let ratings = 0;
  let positive = 0;
  const compliance = new Map(PRIORITIES.map((p) => [p, { response: { met: 0, total: 0 }, resolution: { met: 0, total: 0 } }]));
  const categories = new Map<Category | null, number>();
  const subjects = new Map<string, { subject: string; count: number }>();

  for (const t of rows) {
    const priority = (t.priority ?? t.suggestedPriority ?? t.sla?.policyPriority ?? null) as Priority | null;
    const c = priority ? compliance.get(priority)! : undefined;
    if (within(t.createdAt, window)) {
      created++;
      const category = (t.category ?? null) as Category | null;
      categories.set(category, (categories.get(category) ?? 0) + 1);
      const key = subjectKey(t.subject);
      if (key) subjects.set(key, { subject: subjects.get(key)?.subject ?? t.subject, count: (subjects.get(key)?.count ?? 0) + 1 });
    }
    if (within(t.firstResponseAt, window)) {
      firstResponses.push(t.firstResponseAt!.getTime() - t.createdAt.getTime());
      if (c && t.sla?.responseMet != null) count(c.response, t.sla.responseMet);
    } else if (c && within(t.sla?.responseBreachedAt, window) && !(t.firstResponseAt && t.firstResponseAt < window.end)) {
      count(c.response, false);
    }
    const events = t.timeline ?? [];
    const resolvedIn = events.filter((e) => e.kind === 'resolved' && within(e.at, window));
    if (resolvedIn.length) {
      resolutions.push(resolvedIn[resolvedIn.length - 1]!.at.getTime() - t.createdAt.getTime());
      if (c && t.sla?.resolutionMet != null) count(c.resolution, t.sla.resolutionMet);
    } else if (c && within(t.sla?.resolutionBreachedAt, window)) {
      count(c.resolution, false);
    }
    if (events.some((e) => e.kind === 'reopened' && within(e.at, window))) reopened++;
    // A requester may change their answer while the survey is open: the latest answer of each survey counts.
    const latest = new Map<string, number>();
    for (const e of events) {
      if (e.kind !== 'csat' || !within(e.at, window) || typeof e.data?.score !== 'number') continue;
      latest.set(e.data.surveyId ?? `${t.createdAt.getTime()}:${e.at.getTime()}`, e.data.score);
    }
    for (const score of latest.values()) {
      ratings++;
      if (score >= POSITIVE_SCORE) positive++;
    }
  }

  const resolved = resolutions.length;
  return {
    window,
    created,
    resolved,
    openAtEnd,
    firstResponse: durations(firstResponses),
    resolution: durations(resolutions),
    compliance: PRIORITIES.map((priority) => ({ priority, ...compliance.get(priority)! })),
    reopened: { count: reopened, ...(resolved ? { rate: reopened / resolved } : {}) },
    satisfaction: { responses: ratings, positive, ...(ratings ? { rate: positive / ratings } : {}) },
    topCategories: [...categories.entries()]
      .map(([category, n]) => ({ category, count: n }))
      .sort((a, b) => b.count - a.count || String(a.category).localeCompare(String(b.category)))
      .slice(0, 5),
    recurringSubjects: [...subjects.values()]
      .filter((s) => s.count >= 2)
      .sort((a, b) => b.count - a.count || a.subject.localeCompare(b.subject))
      .slice(0, 5),
  };
}

function count(c: Compliance, met: boolean): void {
  c.total++;
  if (met) c.met++;
}

/** Tickets open at `end`: created before it and neither resolved nor closed by then. */
async function openAt(deps: Pick<DomainDeps, 'models'>, end: Date): Promise<number> {
  return deps.models.Ticket.countDocuments({ createdAt: { $lt: end }, $nor: [{ resolvedAt: { $lt: end } }, { closedAt: { $lt: end } }] });
}

/**
 * The weekly review for the week ending at `end` and the week before it, straight from the database:
 * every ticket changed since the earlier week began (an index on `updatedAt`), read once. Reusable by a
 * report command for any week.
 */
export async function computeWeeklyReview(deps: Pick<DomainDeps, 'models' | 'policy'>, end: Date): Promise<WeeklyReview> {
  const current = weekEndingAt(end, deps.policy.timeZone);
  const previous = weekEndingAt(current.start, deps.policy.timeZone);
  const rows = await deps.models.Ticket.find({ updatedAt: { $gte: previous.start } }, REVIEW_FIELDS).lean<ReviewRow[]>();
  const [openNow, openBefore] = await Promise.all([openAt(deps, current.end), openAt(deps, previous.end)]);
  return { current: weekStats(rows, current, openNow), previous: weekStats(rows, previous, openBefore) };
}

/** Posts the week's digest once (one delivery per team-local day it is made), like the daily summary. */
export async function runWeeklyDigest(deps: DomainDeps, deliver: DeliverSummary<WeeklyReview>): Promise<'posted' | 'already_posted'> {
  const now = deps.clock.now();
  const key = OnceKeys.weeklyDigest(formatLocalDate(localDate(now, deps.policy.timeZone)));
  if (await deps.models.Delivery.exists({ _id: key, state: 'done' })) return 'already_posted';
  const review = await computeWeeklyReview(deps, now);
  const { by } = await deliver(key, DeliveryKinds.weeklyDigest, review);
  if (by !== 'sent') return 'already_posted';
  deps.logger.info({ created: review.current.created, resolved: review.current.resolved }, 'weekly digest posted');
  return 'posted';
}
