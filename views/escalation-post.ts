import type { EscalationSnapshot } from '../src/domain/escalation.js';
import { SEVERITY_LABELS } from '../src/domain/escalation.js';
import { ESCALATION_LABELS, PRIORITY_LABELS, type Priority } from '../src/domain/types.js';
import { targetLabel } from './sla-notes.js';
import { requesterText, safe, slackDate, usergroupMention } from './text.js';
import { PRIORITY_EMOJI } from './ticket-card.js';

/**
 * The escalation post in the card's thread, following PRODUCT.md's template: priority, ticket, requester,
 * issue, impact, what was tried, what is needed, how urgent. The level's user group is mentioned so the
 * people who must act are notified. Everything typed by the requester or the agent is escaped; `by` is
 * the already rendered actor (a mention, or the system's name).
 */
export function escalationPostText(e: EscalationSnapshot, by: string): string {
  const mention = e.usergroup ? ` ${usergroupMention(e.usergroup)}` : '';
  const requester = requesterText(e.requester);
  const users = `${e.usersAffected} ${e.usersAffected === 1 ? 'user' : 'users'} affected`;
  return [
    `:rotating_light: *Escalated to ${ESCALATION_LABELS[e.level]}*${mention} by ${by} (from ${ESCALATION_LABELS[e.from]})`,
    `*Priority:* ${priorityLine(e)}`,
    `*Ticket:* ${e.key} · ${safe(e.subject, 300)}`,
    `*Requester:* ${requester}`,
    `*Issue:* ${quote(e.reason)}`,
    `*Impact:* ${users} · ${SEVERITY_LABELS[e.severity]}`,
    `*What was tried:* ${quote(e.tried)}`,
    `*What is needed:* ${quote(e.needed)}`,
    `*Urgency:* ${urgencyLine(e)}`,
  ].join('\n');
}

function quote(text: string): string {
  const escaped = safe(text, 1200);
  return escaped.includes('\n') ? `\n>${escaped.replace(/\n/g, '\n>')}` : escaped;
}

function priorityLine(e: EscalationSnapshot): string {
  if (e.priority) return `${PRIORITY_EMOJI[e.priority]} ${PRIORITY_LABELS[e.priority]}`;
  if (e.suggestedPriority) return `not set (suggested ${PRIORITY_LABELS[e.suggestedPriority]})`;
  return 'not set';
}

function urgencyLine(e: EscalationSnapshot): string {
  const p = (e.priority ?? e.suggestedPriority) as Priority | null;
  const due = (label: string, at: Date | string | undefined) =>
    at ? `${label} due ${slackDate(new Date(at))}` : undefined;
  const parts = [
    p === 'P0' || p === 'P1' ? '*urgent*' : p ? 'normal' : 'unknown until a priority is set',
    e.responded ? undefined : due(targetLabel('response'), e.firstResponseDueAt),
    due(targetLabel('resolution'), e.resolutionDueAt),
  ].filter((x): x is string => !!x);
  return parts.join(' · ');
}
