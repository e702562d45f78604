/**
 * Every "exactly once" key in one place. A key names one effect or one request; the same key from two
 * processes, a retried job or a redelivered request means the same thing, and only one of them acts.
 */
export const OnceKeys = {
  /** The ticket's card in the support channel. */
  card: (ticketId: string) => `card:${ticketId}`,
  /** One timeline event posted in the card's thread. */
  threadNote: (eventId: string) => `note:${eventId}`,
  /** One outbox mail (its id already says what it is for: `ack.…`, `reply:<eventId>`…). */
  mail: (outboxId: string) => `mail:${outboxId}`,
  /** The DM a timeline event calls for (`assignee-dm`, `sla-dm`). */
  eventDm: (kind: string, eventId: string) => `dm:${kind}:${eventId}`,
  /** The daily triage summary of a team-local day (YYYY-MM-DD). */
  dailySummary: (day: string) => `daily-summary:${day}`,
  /** The weekly digest of the week ending on a team-local day. */
  weeklyDigest: (day: string) => `weekly-digest:${day}`,
  /** The charts shared after a summary, named by that summary's own key. */
  summaryCharts: (summaryKey: string) => `charts:${summaryKey}`,
  /** One SLA reminder (75 % warning or breach) of one target; also the dedupe key of its timeline event. */
  slaReminder: (ticketId: string, target: string, stage: string, dueAt: Date) =>
    `sla:${ticketId}:${target}:${stage}:${dueAt.toISOString()}`,
  /** An incident's war-room channel. */
  warRoom: (incidentId: string) => `war-room:${incidentId}`,
  /** The war room's bookmark to the ticket's card. */
  warRoomBookmark: (incidentId: string) => `war-room-bookmark:${incidentId}`,
  /** The pinned brief in the war room. */
  incidentBrief: (incidentId: string) => `incident-brief:${incidentId}`,
  /** The @channel alert in #support. */
  incidentAlert: (incidentId: string) => `incident-alert:${incidentId}`,
  /** One incident event posted in the war room. */
  incidentNote: (eventId: string) => `incident-note:${eventId}`,
  /** A page DM to one person for one paging event. */
  page: (eventId: string, user: string) => `page:${eventId}:${user}`,
  /** One PagerDuty event of an incident. */
  // Round 0 keeps the key it always had; a reopened incident's events are new ones.
  pagerDuty: (incidentId: string, action: string, round = 0) =>
    `pagerduty:${incidentId}:${action}${round ? `:${round}` : ''}`,
  /** A status update (or the resolution) of an incident, posted in its war room. */
  incidentUpdate: (eventId: string) => `incident-update:${eventId}`,
  /** The all-clear in #support for one resolution of an incident. */
  incidentAllClear: (eventId: string) => `incident-all-clear:${eventId}`,
  /**
   * One clock reminder of an incident: `update_reminder` / `update_overdue` (per due time and round),
   * `monitor_end`, `report_half` / `report_late` / `report_overdue` (per due time).
   */
  incidentReminder: (incidentId: string, kind: string, at: Date, round = 0) =>
    `incident-reminder:${incidentId}:${kind}:${at.toISOString()}:${round}`,
  /** One revision of the incident report, posted in the war room (`war-room`) or #support (`support`). */
  incidentReport: (incidentId: string, revision: number, where: 'war-room' | 'support') =>
    `incident-report:${incidentId}:${revision}:${where}`,
  /** The Markdown file of one revision of the incident report. */
  incidentReportFile: (incidentId: string, revision: number) => `incident-report-file:${incidentId}:${revision}`,
  /** The war room's archiving. */
  warRoomArchive: (incidentId: string) => `war-room-archive:${incidentId}`,
  /** The current satisfaction answer of one survey of a ticket (a later answer from the requester replaces it). */
  csatAnswer: (ticketId: string, surveyId: string) => `csat:${ticketId}:${surveyId}`,
  /** A storm's card in the support channel. */
  stormCard: (stormId: string) => `storm-card:${stormId}`,
  /** The note in the storm card's thread saying a decision was applied to every ticket. */
  stormNote: (stormId: string, actionId: string) => `storm-note:${stormId}:${actionId}`,
  /** The dedupe key of one storm decision on one ticket (its timeline event, its mail id). */
  stormAction: (actionId: string) => `storm:${actionId}`,
  /** The dedupe key of a storm's standing decision (priority, incident) applied to a ticket that joined later. */
  stormJoin: (stormId: string, what: string) => `storm-join:${stormId}:${what}`,
  /** The knowledge-base matches in a new card's thread. */
  similarMatches: (ticketId: string) => `similar:${ticketId}`,
  /** The weekly feedback digest in the product channel, of the week ending on a team-local day. */
  feedbackDigest: (day: string) => `feedback-digest:${day}`,
  /** A requested bug's issue in its tracker. */
  bugIssue: (bugId: string) => `bug-issue:${bugId}`,
  /** The comment on a bug's issue announcing one more linked ticket. */
  bugComment: (bugId: string, ticketId: string) => `bug-comment:${bugId}:${ticketId}`,
  /** A timeline event's words to the requester, as a comment on the GitHub issue the ticket came from. */
  issueComment: (eventId: string) => `issue-comment:${eventId}`,
} as const;

/** Delivery kinds, as stored on records (and used to find the previous summary). */
export const DeliveryKinds = {
  card: 'card',
  threadNote: 'thread-note',
  mail: 'mail',
  dm: 'dm',
  dailySummary: 'daily-summary',
  weeklyDigest: 'weekly-digest',
  incidentUpdate: 'incident-update',
  incidentAllClear: 'incident-all-clear',
  incidentReminder: 'incident-reminder',
  incidentReport: 'incident-report',
  incidentReportFile: 'incident-report-file',
  warRoomArchive: 'war-room-archive',
  summaryCharts: 'summary-charts',
  stormCard: 'storm-card',
  stormNote: 'storm-note',
  similarMatches: 'similar-matches',
  feedbackDigest: 'feedback-digest',
  bugIssue: 'bug-issue',
  bugComment: 'bug-comment',
  issueComment: 'issue-comment',
} as const;
