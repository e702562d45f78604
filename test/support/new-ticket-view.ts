import { CallbackIds, InputIds } from '../../views/ids.js';

/** The view a user submits: the modal's blocks answered the way Slack reports them in view.state. */
export function submittedView(
  id: string,
  fields: {
    email?: string;
    subject?: string;
    body?: string;
    category?: string;
    priority?: string;
    acknowledge?: boolean;
  },
  metadata: object = { channel: 'CSUPPORT1' },
) {
  const v = (value: string | undefined) => ({ value: value ?? null });
  const select = (value: string | undefined) => ({ type: 'static_select', selected_option: value ? { value } : null });
  return {
    id,
    type: 'modal',
    callback_id: CallbackIds.newTicketModal,
    private_metadata: JSON.stringify(metadata),
    hash: 'h',
    state: {
      values: {
        [InputIds.newEmail.block]: { [InputIds.newEmail.action]: { type: 'email_text_input', ...v(fields.email) } },
        [InputIds.newSubject.block]: {
          [InputIds.newSubject.action]: { type: 'plain_text_input', ...v(fields.subject) },
        },
        [InputIds.newBody.block]: { [InputIds.newBody.action]: { type: 'plain_text_input', ...v(fields.body) } },
        [InputIds.newCategory.block]: { [InputIds.newCategory.action]: select(fields.category) },
        [InputIds.newPriority.block]: { [InputIds.newPriority.action]: select(fields.priority) },
        [InputIds.newAcknowledge.block]: {
          [InputIds.newAcknowledge.action]: {
            type: 'checkboxes',
            selected_options: fields.acknowledge === false ? [] : [{ value: 'acknowledge' }],
          },
        },
      },
    },
  };
}
