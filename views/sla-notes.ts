import type { ReminderFacts, SlaNoteTexts } from '../src/domain/sla-sweep.js';
import type { SlaTarget } from '../src/domain/sla-state.js';
import { ESCALATION_LABELS, PRIORITY_LABELS } from '../src/domain/types.js';
import { safe, slackDate, usergroupMention, userMention } from './text.js';

/** What each SLA target is called, in every view. */
const TARGET_LABELS: Record<SlaTarget, string> = { response: 'first response', resolution: 'resolution' };

/** "first response", as a noun ("first response due …"). */
export function targetLabel(target: SlaTarget): string {
  return TARGET_LABELS[target];
}

/** "first-response", the label used as a modifier ("the first-response target"). */
export function targetName(target: SlaTarget): string {
  return TARGET_LABELS[target].replace(/ /g, '-');
}

/** The 75 % reminder as it appears on the timeline, and in the card's thread when nobody is assigned. */
export function slaWarningText(f: ReminderFacts): string {
  const head = `:hourglass_flowing_sand: ${f.warnPercent} % of the ${targetName(f.target)} target (${f.targetText}, ${PRIORITY_LABELS[f.priority]}) has passed: due ${slackDate(f.dueAt)}.`;
  return f.assignee
    ? `${head} ${userMention(f.assignee)} was reminded by DM.`
    : `${head} Nobody is assigned: who takes it?`;
}

/** The breach ping in the card's thread: the assignee and the leads, and the escalation it caused. */
export function slaBreachText(f: ReminderFacts): string {
  const who = [f.assignee ? userMention(f.assignee) : 'Nobody is assigned.', usergroupMention(f.leadsUsergroup)]
    .filter(Boolean)
    .join(' ');
  const lines = [
    `:rotating_light: *${capitalise(targetName(f.target))} target missed*: it was due ${slackDate(f.dueAt)} (${f.targetText}, ${PRIORITY_LABELS[f.priority]}). ${who}`,
  ];
  if (f.escalatedTo)
    lines.push(
      `:arrow_double_up: Escalated to ${ESCALATION_LABELS[f.escalatedTo]}${f.escalationUsergroup ? ` ${usergroupMention(f.escalationUsergroup)}` : ''}.`,
    );
  return lines.join('\n');
}

export const SLA_NOTE_TEXTS: SlaNoteTexts = { warning: slaWarningText, breach: slaBreachText };

/** The DM to the assignee at 75 % of a target, linking to the card. The subject is requester text. */
export function slaDirectMessageText(
  f: ReminderFacts,
  ticket: { key: string; subject: string },
  cardUrl: string | undefined,
): string {
  const key = cardUrl ? `<${cardUrl}|${ticket.key}>` : ticket.key;
  return (
    `:hourglass_flowing_sand: *${key}* · ${safe(ticket.subject, 200)}\n` +
    `${f.warnPercent} % of its ${targetName(f.target)} target (${f.targetText}, ${PRIORITY_LABELS[f.priority]}) has passed: it is due ${slackDate(f.dueAt)}.`
  );
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
