import { LIMITS, plain } from './text.js';

/** The frame of every form: its callback id, the state it carries, a title and submit label within Slack's 24 characters, and Cancel. */
export function formModal(input: { callbackId: string; privateMetadata: string; title: string; submit: string }) {
  return {
    type: 'modal' as const,
    callback_id: input.callbackId,
    private_metadata: input.privateMetadata,
    title: plain(input.title, LIMITS.modalTitle),
    submit: plain(input.submit, LIMITS.modalTitle),
    close: plain('Cancel', LIMITS.modalTitle),
  };
}
