/**
 * Every action, block and callback ID, imported by both the view that renders it and the listener
 * that handles it: a string typed twice is a bug waiting.
 */
export const ActionIds = {
  setPriority: 'ticket_set_priority',
  /** P0 has its own button so Slack shows a real confirm dialog before it is applied (a select's confirm fires for every choice). */
  declareP0: 'ticket_declare_p0',
  assign: 'ticket_assign',
  assignToMe: 'ticket_assign_to_me',
  escalate: 'ticket_escalate',
  reply: 'ticket_reply',
  resolve: 'ticket_resolve',
  close: 'ticket_close',
  reopen: 'ticket_reopen',
  replyTemplate: 'reply_template',
  incidentTakeCommand: 'incident_take_command',
  incidentPostUpdate: 'incident_post_update',
  incidentResolve: 'incident_resolve',
  incidentAcknowledge: 'incident_acknowledge',
  incidentJoin: 'incident_join_war_room',
  incidentWriteReport: 'incident_write_report',
  incidentClose: 'incident_close',
  incidentReopen: 'incident_reopen',
  /** On a ticket card: link it to an active incident (opens a form), or unlink it. */
  ticketLinkIncident: 'ticket_link_incident',
  ticketUnlinkIncident: 'ticket_unlink_incident',
  /** On a storm card: one decision for every ticket of the storm. */
  stormLinkAll: 'storm_link_all',
  stormReplyAll: 'storm_reply_all',
  stormSetPriority: 'storm_set_priority',
  stormSplit: 'storm_split',
  /** On a requester's mail in a card's thread: the mail as received, quotes and signature included. */
  showFullMessage: 'ticket_show_full_message',
  /** Knowledge base (src/domain/knowledge.ts): on a resolved card, in search results, under a new card. */
  saveArticle: 'ticket_save_article',
  kbViewArticle: 'kb_view_article',
  kbSendArticle: 'kb_send_article',
  kbEditArticle: 'kb_edit_article',
  /** On a recurring subject without an article (weekly review, /support-report). */
  kbWriteArticle: 'kb_write_article',
  /** The card's Feedback multi-select (its block_id carries the ticket). */
  feedbackTags: 'ticket_feedback_tags',
  /** On a ticket card: file a bug in a tracker, link to an existing issue, tell the requesters of a fix. */
  ticketFileBug: 'ticket_file_bug',
  ticketLinkBug: 'ticket_link_bug',
  ticketTellRequesters: 'ticket_tell_requesters',
} as const;

export const CallbackIds = {
  escalateModal: 'escalate_modal',
  replyModal: 'reply_modal',
  resolveModal: 'resolve_modal',
  newTicketModal: 'new_ticket_modal',
  createFromMessage: 'create_ticket_from_message',
  incidentUpdateModal: 'incident_update_modal',
  incidentResolveModal: 'incident_resolve_modal',
  incidentReportModal: 'incident_report_modal',
  linkIncidentModal: 'link_incident_modal',
  stormReplyModal: 'storm_reply_modal',
  stormLinkModal: 'storm_link_modal',
  articleModal: 'article_modal',
  articleView: 'article_view',
  fileBugModal: 'file_bug_modal',
  linkBugModal: 'link_bug_modal',
} as const;

/** Block and input IDs inside modals: `block_id` / `action_id` pairs read back in view_submission. */
export const InputIds = {
  escalateLevel: { block: 'escalate_level', action: 'value' },
  escalateReason: { block: 'escalate_reason', action: 'value' },
  escalateUsers: { block: 'escalate_users', action: 'value' },
  escalateSeverity: { block: 'escalate_severity', action: 'value' },
  escalateTried: { block: 'escalate_tried', action: 'value' },
  escalateNeeded: { block: 'escalate_needed', action: 'value' },
  replyMessage: { block: 'reply_message', action: 'value' },
  replyTemplate: { block: 'reply_template', action: 'reply_template' },
  replyWaiting: { block: 'reply_waiting', action: 'value' },
  resolveSummary: { block: 'resolve_summary', action: 'value' },
  resolveVerify: { block: 'resolve_verify', action: 'value' },
  newEmail: { block: 'new_email', action: 'value' },
  newSubject: { block: 'new_subject', action: 'value' },
  newBody: { block: 'new_body', action: 'value' },
  newCategory: { block: 'new_category', action: 'value' },
  newPriority: { block: 'new_priority', action: 'value' },
  newAcknowledge: { block: 'new_acknowledge', action: 'value' },
  updateStatus: { block: 'update_status', action: 'value' },
  updateKnown: { block: 'update_known', action: 'value' },
  updateImpact: { block: 'update_impact', action: 'value' },
  updateNext: { block: 'update_next', action: 'value' },
  /** Checkboxes: `email` (the affected requesters), `public` (the status page). */
  updateOptions: { block: 'update_options', action: 'value' },
  resolveFix: { block: 'incident_fix', action: 'value' },
  /** Checkboxes: `monitor`, `tickets`, `public`. */
  resolveOptions: { block: 'incident_resolve_options', action: 'value' },
  resolveTicketsVerify: { block: 'incident_verify', action: 'value' },
  reportTitle: { block: 'report_title', action: 'value' },
  reportStart: { block: 'report_start', action: 'value' },
  reportEnd: { block: 'report_end', action: 'value' },
  reportImpact: { block: 'report_impact', action: 'value' },
  reportRootCause: { block: 'report_root_cause', action: 'value' },
  reportResolution: { block: 'report_resolution', action: 'value' },
  reportPrevention: { block: 'report_prevention', action: 'value' },
  reportTimeline: { block: 'report_timeline', action: 'value' },
  linkIncident: { block: 'link_incident', action: 'value' },
  stormReplyMessage: { block: 'storm_reply_message', action: 'value' },
  stormReplyWaiting: { block: 'storm_reply_waiting', action: 'value' },
  /** An active incident, or NEW_INCIDENT to declare one with the title below. */
  stormLinkIncident: { block: 'storm_link_incident', action: 'value' },
  stormLinkTitle: { block: 'storm_link_title', action: 'value' },
  /** Resolve form: `save` opens the article form prefilled from this resolution. */
  resolveSaveArticle: { block: 'resolve_save_article', action: 'value' },
  articleTitle: { block: 'article_title', action: 'value' },
  articleProblem: { block: 'article_problem', action: 'value' },
  articleCause: { block: 'article_cause', action: 'value' },
  articleFix: { block: 'article_fix', action: 'value' },
  articleVerify: { block: 'article_verify', action: 'value' },
  articleNotes: { block: 'article_notes', action: 'value' },
  articleVisibility: { block: 'article_visibility', action: 'value' },
  bugTracker: { block: 'bug_tracker', action: 'value' },
  bugTitle: { block: 'bug_title', action: 'value' },
  bugSteps: { block: 'bug_steps', action: 'value' },
  bugExpected: { block: 'bug_expected', action: 'value' },
  bugActual: { block: 'bug_actual', action: 'value' },
  bugEnvironment: { block: 'bug_environment', action: 'value' },
  bugImpact: { block: 'bug_impact', action: 'value' },
  /** An issue URL or key (`#12`, `APP-12`). */
  bugIssue: { block: 'bug_issue', action: 'value' },
} as const;

export const BlockIds = {
  cardControls: 'ticket_controls',
  cardWorkflow: 'ticket_workflow',
  stormControls: 'storm_controls',
  feedback: 'ticket_feedback',
} as const;

/** The card's Feedback row carries its ticket id in the block_id (a multi-select sends no `value`). */
export function feedbackBlockId(ticketId: string): string {
  return `${BlockIds.feedback}:${ticketId}`;
}

/** The storm card's controls carry the storm id in the block_id (its select sends no `value`). */
export function stormControlsBlockId(stormId: string): string {
  return `${BlockIds.stormControls}:${stormId}`;
}

/** The card's triage row carries its ticket id in the block_id: selects send no `value` of their own. */
export function cardControlsBlockId(ticketId: string): string {
  return `${BlockIds.cardControls}:${ticketId}`;
}
