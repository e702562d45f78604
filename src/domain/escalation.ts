import { z } from 'zod';
import type { DomainDeps } from './deps.js';
import { DomainError } from './errors.js';
import { ticketForForm } from './tickets.js';
import { changeTicket, type ChangeOptions, type ChangeOutcome } from './ticket-changes.js';
import { ESCALATION_LABELS, ESCALATION_LEVELS, type EscalationLevel, type Priority } from './types.js';

export const SEVERITIES = ['critical', 'major', 'minor'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const SEVERITY_LABELS: Record<Severity, string> = {
  critical: 'Critical: unusable, data or security at risk',
  major: 'Major: key feature broken, no workaround',
  minor: 'Minor: degraded, a workaround exists',
};

export const ESCALATION_TEXT_MAX = 1000;

const text = (what: string, min: number) =>
  z
    .string({ error: `Say ${what}.` })
    .trim()
    .min(min, `Say ${what} in a few more words (at least ${min} characters).`)
    .max(ESCALATION_TEXT_MAX, `Keep it under ${ESCALATION_TEXT_MAX} characters.`);

/** What an agent states when escalating (PRODUCT.md, "Escalation"). Urgency follows from the ticket's priority and targets. */
export const escalationRequestSchema = z.object({
  level: z.enum(ESCALATION_LEVELS, { error: 'Choose the level to escalate to.' }),
  reason: text('what the issue is and why it needs escalating', 10),
  usersAffected: z.coerce
    .number({ error: 'Enter how many users are affected, as a number.' })
    .int('Enter a whole number of users.')
    .min(1, 'At least one user is affected: the requester.')
    .max(100_000_000, 'That is more users than we can count.'),
  severity: z.enum(SEVERITIES, { error: 'Choose how severe the impact is.' }),
  tried: text('what has been tried so far', 5),
  needed: text('what is needed from the next level', 5),
});
export type EscalationRequest = z.infer<typeof escalationRequestSchema>;

/** Levels an escalation may go to from `current`: upward only, skipping allowed (a breach can go straight to management). */
export function levelsAbove(current: EscalationLevel): EscalationLevel[] {
  return ESCALATION_LEVELS.slice(ESCALATION_LEVELS.indexOf(current) + 1);
}

/** Why escalating from `current` to `target` is refused, or undefined when it is fine. */
export function escalationProblem(current: EscalationLevel, target: EscalationLevel): string | undefined {
  if (levelsAbove(current).includes(target)) return undefined;
  if (!levelsAbove(current).length)
    return `It is already at ${ESCALATION_LABELS[current]}, the top of the escalation path.`;
  return `It is already at ${ESCALATION_LABELS[current]}; escalation only goes upward (${levelsAbove(current)
    .map((l) => ESCALATION_LABELS[l])
    .join(', ')}).`;
}

/**
 * What the thread post of an escalation shows, captured when it happens: the post (views/escalation-post.ts)
 * states the ticket as it was escalated, even if it changes later.
 */
export interface EscalationSnapshot extends EscalationRequest {
  from: EscalationLevel;
  usergroup?: string;
  key: string;
  subject: string;
  requester: { email: string; name?: string };
  priority: Priority | null;
  suggestedPriority: Priority | null;
  firstResponseDueAt?: Date;
  resolutionDueAt?: Date;
  responded: boolean;
}

/** Raises the ticket's escalation level and posts the escalation, mentioning the level's user group, in the card's thread. */
/**
 * Why escalating this ticket (to `target`, or at all) is refused, or undefined when it may go ahead: one
 * rule for the button, the form and the change.
 */
export function escalationRefusal(
  ticket: { key: string; status: string; escalationLevel?: string | null },
  target?: EscalationLevel,
): string | undefined {
  if (ticket.status === 'resolved' || ticket.status === 'closed')
    return `${ticket.key} is ${ticket.status}. Reopen it before escalating.`;
  const level = (ticket.escalationLevel ?? 'L1') as EscalationLevel;
  if (target) {
    const problem = escalationProblem(level, target);
    return problem ? `${ticket.key} was not escalated. ${problem}` : undefined;
  }
  return levelsAbove(level).length
    ? undefined
    : `${ticket.key} is already at ${ESCALATION_LABELS[level]}, the top of the escalation path.`;
}

/** The ticket as the escalation form shows it; refused (DomainError) when it is gone or cannot go to `target`. */
export async function ticketForEscalation(
  deps: Pick<DomainDeps, 'models'>,
  ticketId: string,
  target?: EscalationLevel,
) {
  const ticket = await ticketForForm(deps, ticketId, (t) => escalationRefusal(t, target));
  return {
    id: ticketId,
    key: ticket.key,
    subject: ticket.subject,
    priority: ticket.priority ?? null,
    escalationLevel: (ticket.escalationLevel ?? 'L1') as EscalationLevel,
  };
}

export async function escalateTicket(
  deps: DomainDeps,
  ticketId: string,
  opts: ChangeOptions,
  input: EscalationRequest,
): Promise<ChangeOutcome> {
  const request = escalationRequestSchema.parse(input);
  return changeTicket(deps, ticketId, opts, (ticket, record) => {
    const refusal = escalationRefusal(ticket, request.level);
    if (refusal) throw new DomainError(refusal);
    const from = (ticket.escalationLevel ?? 'L1') as EscalationLevel;
    ticket.escalationLevel = request.level;
    const escalation: EscalationSnapshot = {
      ...request,
      from,
      usergroup: deps.settings.escalationUsergroups[request.level],
      key: ticket.key,
      subject: ticket.subject,
      requester: {
        email: ticket.requester?.email ?? '',
        ...(ticket.requester?.name ? { name: ticket.requester.name } : {}),
      },
      priority: (ticket.priority ?? null) as Priority | null,
      suggestedPriority: (ticket.suggestedPriority ?? null) as Priority | null,
      firstResponseDueAt: ticket.sla?.firstResponseDueAt ?? undefined,
      resolutionDueAt: ticket.sla?.resolutionDueAt ?? undefined,
      responded: !!ticket.firstResponseAt,
    };
    record({
      kind: 'escalated',
      text: `Escalated to ${ESCALATION_LABELS[request.level]} by {actor}`,
      data: { escalation },
      notify: true,
    });
  });
}
