/** Names of the immediate effects the delivery worker performs (src/delivery/kinds.ts), in one place. */
export const EffectNames = {
  /** What a new ticket calls for after its answer: storm grouping, card, acknowledgement, a P0's incident. */
  ticketIntake: 'ticket.intake',
  postCard: 'card.post',
  updateCard: 'card.update',
  threadNote: 'card.thread-note',
  sendMail: 'mail.send',
  assigneeDm: 'card.assignee-dm',
  slaDirectMessage: 'sla.direct-message',
  refreshHome: 'home.refresh',
  incidentOpen: 'incident.open',
  incidentPage: 'incident.page',
  incidentNote: 'incident.note',
  incidentRefresh: 'incident.refresh',
  pagerDuty: 'incident.pagerduty',
  incidentUpdate: 'incident.update',
  incidentReminder: 'incident.reminder',
  incidentReport: 'incident.report',
  stormCard: 'storm.card',
  stormAction: 'storm.action',
  stormNote: 'storm.note',
  /** Similar articles and solved tickets, in a new card's thread (after the card, never before it). */
  similarMatches: 'card.similar',
} as const;
