import type { KnownBlock, ModalView } from '@slack/types';
import { ESCALATION_TEXT_MAX, levelsAbove, SEVERITIES, SEVERITY_LABELS } from '../src/domain/escalation.js';
import { ESCALATION_LABELS, PRIORITY_LABELS, type EscalationLevel, type Priority } from '../src/domain/types.js';
import { CallbackIds, InputIds } from './ids.js';
import { LIMITS, mrkdwn, plain, safe } from './text.js';
import { formModal } from './modal.js';

export interface EscalateModalTicket {
  id: string;
  key: string;
  subject: string;
  priority: string | null;
  escalationLevel: string | null;
}

const option = (text: string, value: string) => ({ text: plain(text, LIMITS.option), value });

function textInput(id: { block: string; action: string }, label: string, placeholder: string): KnownBlock {
  return {
    type: 'input',
    block_id: id.block,
    label: plain(label, 2000),
    element: {
      type: 'plain_text_input',
      action_id: id.action,
      multiline: true,
      max_length: ESCALATION_TEXT_MAX,
      placeholder: plain(placeholder, 150),
    },
  };
}

/**
 * The escalation form: the level (upward only, the next one preselected), the issue and why, the impact
 * (users affected, severity), what was tried and what is needed. `metadata` is the modal's private_metadata.
 */
export function escalateModal(t: EscalateModalTicket, metadata: string): ModalView {
  const current = (t.escalationLevel ?? 'L1') as EscalationLevel;
  const levels = levelsAbove(current).map((l) => option(ESCALATION_LABELS[l], l));
  const priority = t.priority ? PRIORITY_LABELS[t.priority as Priority] : 'priority not set';
  return {
    ...formModal({
      callbackId: CallbackIds.escalateModal,
      privateMetadata: metadata,
      title: `Escalate ${t.key}`,
      submit: 'Escalate',
    }),
    blocks: [
      {
        type: 'section',
        text: mrkdwn(`*${t.key}* · ${safe(t.subject, 300)}\n${priority} · now at *${ESCALATION_LABELS[current]}*`),
      },
      {
        type: 'input',
        block_id: InputIds.escalateLevel.block,
        label: plain('Escalate to', 2000),
        element: {
          type: 'static_select',
          action_id: InputIds.escalateLevel.action,
          options: levels,
          ...(levels[0] ? { initial_option: levels[0] } : {}),
        },
      },
      textInput(
        InputIds.escalateReason,
        'Issue, and why it needs escalating',
        'What is wrong, and why the current level cannot solve it',
      ),
      {
        type: 'input',
        block_id: InputIds.escalateUsers.block,
        label: plain('Users affected', 2000),
        element: {
          type: 'number_input',
          action_id: InputIds.escalateUsers.action,
          is_decimal_allowed: false,
          min_value: '1',
          placeholder: plain('How many users are affected', 150),
        },
      },
      {
        type: 'input',
        block_id: InputIds.escalateSeverity.block,
        label: plain('Severity', 2000),
        element: {
          type: 'static_select',
          action_id: InputIds.escalateSeverity.action,
          options: SEVERITIES.map((s) => option(SEVERITY_LABELS[s], s)),
        },
      },
      textInput(InputIds.escalateTried, 'What was tried', 'Steps taken so far and what they showed'),
      textInput(InputIds.escalateNeeded, 'What is needed', 'What you need from the next level'),
    ],
  };
}
