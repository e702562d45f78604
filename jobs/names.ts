/** Agenda job names, in one place for definers and schedulers. */
export const JobNames = {
  postCard: 'card.post',
  updateCard: 'card.update',
  threadNote: 'card.thread-note',
  sendMail: 'mail.send',
  reconcile: 'outbox.reconcile',
} as const;
