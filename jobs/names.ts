/** Agenda job names, in one place for definers and schedulers. */
export const JobNames = {
  postCard: 'card.post',
  updateCard: 'card.update',
  threadNote: 'card.thread-note',
  sendMail: 'mail.send',
  assigneeDm: 'card.assignee-dm',
  reconcile: 'outbox.reconcile',
  refreshHome: 'home.refresh',
  autoClose: 'tickets.auto-close',
  slaSweep: 'sla.sweep',
  slaDirectMessage: 'sla.direct-message',
  dailySummary: 'summary.daily',
  weeklyDigest: 'summary.weekly',
} as const;
