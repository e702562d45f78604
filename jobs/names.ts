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
  incidentOpen: 'incident.open',
  incidentPage: 'incident.page',
  incidentNote: 'incident.note',
  incidentRefresh: 'incident.refresh',
  pagerDuty: 'incident.pagerduty',
  /** Paging repeats and escalations, and the incident clock (update cadence, monitoring, report, archive). */
  incidentSweep: 'incident.sweep',
  /** One status update's effects, one clock reminder, or one report revision (`data.what`). */
  incidentWork: 'incident.work',
  stormCard: 'storm.card',
  stormAction: 'storm.action',
  stormNote: 'storm.note',
} as const;
