/**
 * Agenda job names: scheduled work only. Immediate effects (cards, mails, DMs, pages…) are not jobs; they go
 * through the delivery worker (src/delivery/names.ts).
 */
export const JobNames = {
  reconcile: 'outbox.reconcile',
  autoClose: 'tickets.auto-close',
  slaSweep: 'sla.sweep',
  dailySummary: 'summary.daily',
  weeklyDigest: 'summary.weekly',
  /** The weekly feedback digest for product (PRODUCT_CHANNEL_ID). */
  feedbackDigest: 'feedback.digest',
  /** Paging repeats and escalations, and the incident clock (update cadence, monitoring, report, archive). */
  incidentSweep: 'incident.sweep',
} as const;
