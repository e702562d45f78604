import type { DomainDeps } from './deps.js';
import { DomainError } from './errors.js';
import { subjectKey } from './report-figures.js';
import type { Window } from './report-period.js';
import { changeTicket, type ChangeOptions, type ChangeOutcome } from './ticket-changes.js';

/**
 * Feedback for product (PRODUCT.md, "Feedback for product"): tags on tickets, the feature-request log and
 * the figures of the weekly feedback digest. The tag list is FEEDBACK_TAGS (src/domain/feedback-tags.ts).
 */
export const FEATURE_REQUEST_TAG = 'feature request';
/** Tagged tickets read for one period: far above what a team tags in a year. */
const TAGGED_MAX = 50_000;
const THEMES_PER_TAG = 5;

/** Sets a ticket's feedback tags (any status: feedback is often tagged after closing). Only the team's tags. */
export async function setFeedbackTags(
  deps: DomainDeps,
  ticketId: string,
  opts: ChangeOptions,
  tags: string[],
): Promise<ChangeOutcome> {
  const available = deps.settings.knowledge.feedbackTags;
  const unknown = tags.filter((t) => !available.includes(t));
  if (unknown.length)
    throw new DomainError(`Unknown feedback tag: ${unknown.join(', ')}. The tags are: ${available.join(', ')}.`);
  const wanted = available.filter((t) => tags.includes(t));
  return changeTicket(deps, ticketId, opts, (ticket, record) => {
    const before = ticket.feedback?.tags ?? [];
    if (before.length === wanted.length && before.every((t) => wanted.includes(t))) return;
    // The period that counts a ticket is the one it was first tagged in; untagging all forgets it.
    const taggedAt = wanted.length ? (ticket.feedback?.taggedAt ?? deps.clock.now()) : undefined;
    ticket.feedback = wanted.length ? { tags: wanted, taggedAt } : undefined;
    const added = wanted.filter((t) => !before.includes(t));
    const removed = before.filter((t) => !wanted.includes(t));
    const words = [
      added.length ? `tagged ${added.join(', ')}` : '',
      removed.length ? `untagged ${removed.join(', ')}` : '',
    ].filter(Boolean);
    record({
      kind: 'feedback_tagged',
      text: `Feedback ${words.join(' and ')} by {actor}`,
      notify: true,
      data: { tags: wanted, previous: before },
    });
  });
}

interface TaggedRow {
  key: string;
  subject: string;
  status: string;
  createdAt: Date;
  requester?: { email?: string | null } | null;
  feedback?: { tags?: string[] | null; taggedAt?: Date | null } | null;
}

export async function taggedTickets(
  deps: Pick<DomainDeps, 'models'>,
  w: Window,
  fields: Record<string, 1> = {},
): Promise<TaggedRow[]> {
  return deps.models.Ticket.find(
    { 'feedback.taggedAt': { $gte: w.start, $lt: w.end } },
    { _id: 0, key: 1, subject: 1, status: 1, createdAt: 1, feedback: 1, 'requester.email': 1, ...fields },
  )
    .sort({ 'feedback.taggedAt': 1 })
    .limit(TAGGED_MAX)
    .lean<TaggedRow[]>();
}

/** Tickets of one normalised subject under one tag. */
export interface Theme {
  key: string;
  /** The first ticket's subject, as a label (requester text: escape it). */
  subject: string;
  tickets: number;
  requesters: number;
  ticketKeys: string[];
  firstAt: Date;
  lastAt: Date;
}

export interface TagFigures {
  tag: string;
  tickets: number;
  requesters: number;
  themes: Theme[];
}

function themesOf(rows: TaggedRow[]): Theme[] {
  const byKey = new Map<string, Theme & { emails: Set<string> }>();
  for (const r of rows) {
    const key = subjectKey(r.subject) || r.subject.toLowerCase();
    const at = r.feedback?.taggedAt ?? r.createdAt;
    const t = byKey.get(key) ?? {
      key,
      subject: r.subject,
      tickets: 0,
      requesters: 0,
      ticketKeys: [],
      firstAt: at,
      lastAt: at,
      emails: new Set<string>(),
    };
    t.tickets++;
    if (r.requester?.email) t.emails.add(r.requester.email);
    t.requesters = t.emails.size;
    if (t.ticketKeys.length < 10) t.ticketKeys.push(r.key);
    if (at < t.firstAt) t.firstAt = at;
    if (at > t.lastAt) t.lastAt = at;
    byKey.set(key, t);
  }
  return [...byKey.values()]
    .map(({ emails: _emails, ...t }) => t)
    .sort((a, b) => b.requesters - a.requesters || b.tickets - a.tickets || a.subject.localeCompare(b.subject));
}

function figuresOf(rows: TaggedRow[], tags: readonly string[]): TagFigures[] {
  return tags.map((tag) => {
    const mine = rows.filter((r) => r.feedback?.tags?.includes(tag));
    return {
      tag,
      tickets: mine.length,
      requesters: new Set(mine.map((r) => r.requester?.email).filter(Boolean)).size,
      themes: themesOf(mine),
    };
  });
}

export interface FeedbackReport {
  current: { window: Window; tags: TagFigures[]; tagged: number };
  previous: { window: Window; tags: TagFigures[]; tagged: number };
  /** Feature-request themes first seen in the current period (none tagged before it). */
  newRequests: Theme[];
  /** The feature-request log of the current period: every theme, most requesters first. */
  featureRequests: Theme[];
}

/**
 * The feedback figures of a period against the one before: per tag its tickets, requesters and top themes
 * (normalised subjects, as the report's recurring subjects), the feature-request log and the requests new
 * in the period. Tags are counted in the period a ticket was first tagged in.
 */
export async function computeFeedbackReport(
  deps: Pick<DomainDeps, 'models' | 'settings'>,
  current: Window,
  previous: Window,
): Promise<FeedbackReport> {
  const tags = deps.settings.knowledge.feedbackTags;
  const [now, before] = await Promise.all([taggedTickets(deps, current), taggedTickets(deps, previous)]);
  const currentTags = figuresOf(now, tags);
  const featureRequests = currentTags.find((t) => t.tag === FEATURE_REQUEST_TAG)?.themes ?? [];
  const newRequests = featureRequests.length ? await firstSeen(deps, featureRequests, current.start) : [];
  return {
    current: {
      window: current,
      tags: currentTags.map((t) => ({ ...t, themes: t.themes.slice(0, THEMES_PER_TAG) })),
      tagged: now.length,
    },
    previous: {
      window: previous,
      tags: figuresOf(before, tags).map((t) => ({ ...t, themes: [] })),
      tagged: before.length,
    },
    newRequests,
    featureRequests,
  };
}

/** The themes no feature request tagged before `start` had. */
async function firstSeen(deps: Pick<DomainDeps, 'models'>, themes: Theme[], start: Date): Promise<Theme[]> {
  const earlier = await deps.models.Ticket.find(
    { 'feedback.taggedAt': { $lt: start }, 'feedback.tags': FEATURE_REQUEST_TAG },
    { _id: 0, subject: 1 },
  )
    .limit(TAGGED_MAX)
    .lean();
  const seen = new Set(earlier.map((t) => subjectKey(t.subject) || t.subject.toLowerCase()));
  return themes.filter((t) => !seen.has(t.key));
}
