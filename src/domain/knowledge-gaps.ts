import type { DomainDeps } from './deps.js';
import { subjectKey } from './report-figures.js';
import { subjectGroups } from './report-queries.js';
import type { Window } from './report-period.js';
import { selfHelpSolvedCount } from './self-help.js';

/** PRODUCT.md: "an issue seen more than 3 times deserves a knowledge-base article". */
export const ARTICLE_WORTHY_COUNT = 4;
const GAPS_SHOWN = 5;
const TICKETS_PER_GAP = 10;

export interface KnowledgeGaps {
  /** Recurring subjects of the window (the report's normalisation) with no article covering them. */
  gaps: Array<{ subject: string; count: number; ticketIds: string[] }>;
  /** Tickets resolved by self-help in the window and in the one before. */
  selfHelp: { now: number; before: number };
}

/**
 * The subjects seen at least ARTICLE_WORTHY_COUNT times among the window's new tickets (merged as
 * `/support-report`'s recurring subjects are) that no article names among its subjects, most frequent
 * first, each with its latest tickets (solved ones first) for the article form to start from.
 */
export async function knowledgeGaps(
  deps: Pick<DomainDeps, 'models'>,
  current: Window,
  previous: Window,
): Promise<KnowledgeGaps> {
  const { Ticket, Article } = deps.models;
  const [subjects, now, before] = await Promise.all([
    subjectGroups(Ticket, current),
    selfHelpSolvedCount(deps, current),
    selfHelpSolvedCount(deps, previous),
  ]);
  const merged = new Map<string, { subject: string; count: number; subjects: string[] }>();
  for (const s of subjects) {
    const key = subjectKey(s.subject);
    if (!key) continue;
    const m = merged.get(key) ?? { subject: s.subject, count: 0, subjects: [] };
    m.count += s.count;
    m.subjects.push(s.subject);
    merged.set(key, m);
  }
  const recurring = [...merged.entries()].filter(([, m]) => m.count >= ARTICLE_WORTHY_COUNT);
  if (!recurring.length) return { gaps: [], selfHelp: { now, before } };
  const covered = new Set(
    (await Article.find({ subjectKeys: { $in: recurring.map(([k]) => k) } }, { subjectKeys: 1 }).lean()).flatMap(
      (a) => a.subjectKeys,
    ),
  );
  const open = recurring
    .filter(([key]) => !covered.has(key))
    .sort(([, a], [, b]) => b.count - a.count || a.subject.localeCompare(b.subject))
    .slice(0, GAPS_SHOWN);
  const gaps = await Promise.all(
    open.map(async ([, m]) => {
      const tickets = await Ticket.find(
        { subject: { $in: m.subjects }, createdAt: { $gte: current.start, $lt: current.end } },
        { _id: 1, resolvedAt: 1 },
      )
        .sort({ resolvedAt: -1, createdAt: -1 })
        .limit(TICKETS_PER_GAP)
        .lean();
      return { subject: m.subject, count: m.count, ticketIds: tickets.map((t) => String(t._id)) };
    }),
  );
  return { gaps, selfHelp: { now, before } };
}
