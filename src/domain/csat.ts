import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { isDuplicateKeyError } from '../db/models/idempotency-key.js';
import { OnceKeys } from '../db/once-keys.js';
import type { DomainDeps } from './deps.js';
import { changeTicket } from './ticket-changes.js';

/** The one survey question's answers, worst to best. */
export const CSAT_SCORES = [1, 2, 3, 4, 5] as const;
export const CSAT_LABELS: Record<number, string> = {
  1: 'Very dissatisfied',
  2: 'Dissatisfied',
  3: 'Neutral',
  4: 'Satisfied',
  5: 'Very satisfied',
};
export const CSAT_VALID_DAYS = 30;

export interface SurveyAnswer {
  ticketId: string;
  score: number;
  expiresAt: Date;
  /** One per resolution mail: its five links share it, so the survey is answered once. */
  surveyId: string;
}

function mac(key: Buffer, payload: string): Buffer {
  return createHmac('sha256', key).update(`csat.v1.${payload}`).digest();
}

/** `base64url(ticketId.score.expiry.surveyId).base64url(HMAC)`: tamper-proof, no state needed until it is used. */
export function signSurveyAnswer(key: Buffer, a: SurveyAnswer): string {
  const payload = Buffer.from(
    `${a.ticketId}.${a.score}.${Math.floor(a.expiresAt.getTime() / 1000)}.${a.surveyId}`,
  ).toString('base64url');
  return `${payload}.${mac(key, payload).toString('base64url')}`;
}

export type TokenCheck = { ok: true; answer: SurveyAnswer } | { ok: false; reason: 'invalid' | 'expired' };

export function verifySurveyToken(key: Buffer, token: string, now: Date): TokenCheck {
  const m = /^([A-Za-z0-9_-]{1,200})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return { ok: false, reason: 'invalid' };
  const payload = m[1]!;
  const sig = m[2]!;
  const expected = mac(key, payload);
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'invalid' };
  const parts = /^([a-f0-9]{24})\.([1-5])\.(\d{1,12})\.([A-Za-z0-9_-]{8,64})$/.exec(
    Buffer.from(payload, 'base64url').toString('utf8'),
  );
  if (!parts) return { ok: false, reason: 'invalid' };
  const answer = {
    ticketId: parts[1]!,
    score: Number(parts[2]),
    expiresAt: new Date(Number(parts[3]) * 1000),
    surveyId: parts[4]!,
  };
  if (answer.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, answer };
}

/** The five survey links of one resolution mail, best score last. */
export function surveyLinks(
  deps: Pick<DomainDeps, 'settings'>,
  ticketId: string,
  now: Date,
): Array<{ score: number; label: string; url: string }> {
  const { key, baseUrl: base } = deps.settings.survey;
  const expiresAt = new Date(now.getTime() + CSAT_VALID_DAYS * 86_400_000);
  const surveyId = randomBytes(12).toString('base64url');
  return CSAT_SCORES.map((score) => ({
    score,
    label: CSAT_LABELS[score]!,
    url: `${base}/csat/${signSurveyAnswer(key, { ticketId, score, expiresAt, surveyId })}`,
  }));
}

export type SurveyOutcome =
  /** GET: the question, with the score of the clicked link preselected; nothing is recorded yet. */
  | { kind: 'question'; ticketKey: string; score: number; previous?: number }
  | { kind: 'recorded'; ticketKey: string; score: number; previous?: number }
  | { kind: 'already'; ticketKey: string; score: number }
  | { kind: 'invalid' }
  | { kind: 'expired' }
  | { kind: 'not_found' };

type CsatEvent = { kind: string; data?: { score?: unknown; surveyId?: unknown } | null };

/**
 * The survey's current answer: its latest `csat` event on the ticket's timeline. The timeline is where an
 * answer is stored (in the same atomic write as `csatScore`), so it is read there, fresh on every attempt
 * of a changeTicket that lost a race and runs again.
 */
function currentAnswer(timeline: readonly CsatEvent[] | undefined, surveyId: string): number | undefined {
  for (let i = (timeline?.length ?? 0) - 1; i >= 0; i--) {
    const e = timeline![i]!;
    if (e.kind === 'csat' && e.data?.surveyId === surveyId && typeof e.data.score === 'number') return e.data.score;
  }
  return undefined;
}

const CSAT_FIELDS = { key: 1, 'timeline.kind': 1, 'timeline.data.score': 1, 'timeline.data.surveyId': 1 } as const;

/**
 * GET of a survey link: checks the token and shows the question. Writes nothing: mail security scanners
 * fetch every link of a message, and a fetch is not the requester's answer.
 */
export async function showSurvey(deps: DomainDeps, token: string): Promise<SurveyOutcome> {
  const check = verifySurveyToken(deps.settings.survey.key, token, deps.clock.now());
  if (!check.ok) return { kind: check.reason };
  const { ticketId, score, surveyId } = check.answer;
  const ticket = await deps.models.Ticket.findById(ticketId, CSAT_FIELDS).lean();
  if (!ticket) return { kind: 'not_found' };
  const previous = currentAnswer(ticket.timeline as CsatEvent[], surveyId);
  return { kind: 'question', ticketKey: ticket.key, score, ...(previous ? { previous } : {}) };
}

/**
 * POST from the survey page: records the answer. The token (signed, expiring) proves the survey; the form
 * may pick another score than the link did. One answer counts per survey: a later one from the requester
 * replaces the earlier (the ticket's `csatScore`, and the weekly review counts each survey's latest), until
 * the link expires. The same answer posted again changes nothing.
 */
export async function recordSurveyAnswer(deps: DomainDeps, token: string, chosen?: number): Promise<SurveyOutcome> {
  const check = verifySurveyToken(deps.settings.survey.key, token, deps.clock.now());
  if (!check.ok) return { kind: check.reason };
  const { ticketId, surveyId } = check.answer;
  const score =
    chosen !== undefined && (CSAT_SCORES as readonly number[]).includes(chosen) ? chosen : check.answer.score;
  const ticket = await deps.models.Ticket.findById(ticketId, { key: 1, requester: 1 }).lean();
  if (!ticket) return { kind: 'not_found' };
  const actor = {
    type: 'requester' as const,
    id: ticket.requester?.email ?? undefined,
    name: ticket.requester?.name ?? ticket.requester?.email ?? undefined,
  };
  let previous: number | undefined;
  const outcome = await changeTicket(deps, ticketId, { actor }, (t, record) => {
    previous = currentAnswer(t.timeline as CsatEvent[], surveyId);
    if (previous === score) return;
    t.csatScore = score;
    const text = previous
      ? `{actor} changed their rating from ${previous}/5 to ${score}/5 (${CSAT_LABELS[score]!.toLowerCase()})`
      : `{actor} rated the support ${score}/5 (${CSAT_LABELS[score]!.toLowerCase()})`;
    record({ kind: 'csat', text, notify: true, data: { score, surveyId, ...(previous ? { previous } : {}) } });
  });
  if (!outcome.changed) return { kind: 'already', ticketKey: ticket.key, score };
  await keepAnswer(deps, ticketId, surveyId, score, outcome.ticket.timeline.length - outcome.events.length);
  deps.logger.info({ ticket: ticket.key, score, replaced: previous !== undefined }, 'satisfaction recorded');
  return { kind: 'recorded', ticketKey: ticket.key, score, ...(previous ? { previous } : {}) };
}

/**
 * The survey's answer by its key, beside the ticket (one record per survey). Written after the ticket,
 * and only over a record of an earlier timeline position: the timeline only grows, so when two answers
 * race, the record ends with the one the ticket kept last, whatever order these writes land in.
 */
async function keepAnswer(
  deps: DomainDeps,
  ticketId: string,
  surveyId: string,
  score: number,
  position: number,
): Promise<void> {
  const filter = {
    _id: OnceKeys.csatAnswer(ticketId, surveyId),
    $or: [{ 'data.position': { $lt: position } }, { 'data.position': { $exists: false } }],
  };
  const update = { $set: { ticketId, data: { score, position } }, $setOnInsert: { createdAt: deps.clock.now() } };
  try {
    await deps.models.IdempotencyKey.updateOne(filter, update, { upsert: true });
  } catch (err) {
    // A record of a later answer is there already (the upsert found no earlier one and collided with it).
    if (!isDuplicateKeyError(err)) throw err;
  }
}
