import type { TicketDoc } from '../db/models/ticket.js';

/**
 * What the domain asks of the outside world once a change is stored. Implemented as records in the
 * delivery queue (src/delivery/effects.ts), worked at once: every call is idempotent and may be repeated.
 */
export interface Effects {
  /**
   * A claim on a new ticket's intake for the ticket's insert to carry (src/domain/intake-claim.ts) when this
   * process works intakes at once; undefined when it does not (the intake is then asked for as an effect).
   */
  intakeClaim(): { owner: string; deadline: Date } | undefined;
  /**
   * A new ticket's follow-ups after the answer: storm grouping, card, acknowledgement, a P0's incident.
   * `held`: the ticket was stored with this process's claim, and its intake starts here at once.
   */
  ticketIntake(ticketId: string, held?: { owner: string; ticket: TicketDoc }): Promise<void>;
  /** Post the ticket's card in the support channel (once), or update it if already posted. */
  postCard(ticketId: string): Promise<void>;
  /** Re-render the card in place from the stored ticket. */
  updateCard(ticketId: string): Promise<void>;
  /** Post a timeline event in the card's thread (once per event). */
  threadNote(ticketId: string, eventId: string): Promise<void>;
  /** Send a mail already stored in the outbox (once). */
  sendMail(outboxId: string): Promise<void>;
  /** Re-publish a user's App Home soon; several asks in a few seconds make one publish. */
  refreshHome(userId: string): Promise<void>;
  /** DM the assignee of an `assigned` event a link to the card (once per event). */
  dmAssignee(ticketId: string, eventId: string): Promise<void>;
  /** DM the assignee an `sla_warning` event (the 75 % reminder), once per event. */
  slaDirectMessage(ticketId: string, eventId: string): Promise<void>;
  /** The first minute of a P0: war room, brief, alert in #support, first page (each once). */
  openIncident(incidentId: string): Promise<void>;
  /** The DMs and war-room mention of a `paged` / `page_escalated` incident event (once per event). */
  sendPage(incidentId: string, eventId: string): Promise<void>;
  /** Post an incident event in its war room (once per event). */
  incidentNote(incidentId: string, eventId: string): Promise<void>;
  /** Re-render the war room's topic and brief from the stored incident. */
  refreshIncident(incidentId: string): Promise<void>;
  /**
   * Send a PagerDuty Events API v2 event, once per incident, action and `round` (how often the incident was
   * reopened when asked: src/domain/incidents/changes.ts, `reopenings`).
   */
  pagerDuty(incidentId: string, action: 'trigger' | 'acknowledge' | 'resolve', round?: number): Promise<void>;
  /**
   * Everything a status update (or resolution) of an incident calls for, each once: the war-room post, the
   * ticket's thread, topic and brief, mails to linked requesters, and for a resolution the all-clear,
   * PagerDuty `resolve` and the linked tickets' resolutions.
   */
  incidentUpdate(incidentId: string, eventId: string): Promise<void>;
  /** One clock reminder of an incident (see OnceKeys.incidentReminder), once; `archive` archives the war room. */
  incidentReminder(incidentId: string, kind: string, at: Date, round: number): Promise<void>;
  /** Post and upload one revision of the incident report (once per revision). */
  publishReport(incidentId: string, revision: number): Promise<void>;
  /** Post or update a storm's card, at most once per STORM_CARD_UPDATE_SECONDS (`at`: not before then). */
  refreshStormCard(stormId: string, at?: Date): Promise<void>;
  /** Apply a recorded storm decision to every ticket of the storm. */
  applyStormAction(stormId: string, actionId: string): Promise<void>;
  /** Say in the storm card's thread that a decision was applied (once per decision). */
  stormNote(stormId: string, actionId: string): Promise<void>;
  /** Post the best knowledge-base matches in a new card's thread, once, after the card. */
  similarMatches(ticketId: string): Promise<void>;
  /** File a requested bug in its tracker (once, however often asked), then record it on its ticket. */
  fileBug(bugId: string): Promise<void>;
  /** Comment on the bug's issue that one more ticket is linked (once per bug and ticket; no addresses). */
  bugComment(bugId: string, ticketId: string): Promise<void>;
  /** Bring the bug's linked tickets up to its state (notes, DMs; with BUG_FIX_NOTIFY=auto the requesters). */
  bugSync(bugId: string): Promise<void>;
  /** DM the assignee a `bug_fixed` event of their ticket (once per event). */
  bugFixedDm(ticketId: string, eventId: string): Promise<void>;
  /** Post what an event says to the requester as a comment on the GitHub issue the ticket came from (once). */
  issueComment(ticketId: string, eventId: string): Promise<void>;
}

/** For domain unit tests and tools that must not touch the outside world. */
export const noEffects: Effects = {
  intakeClaim: () => undefined,
  ticketIntake: async () => undefined,
  postCard: async () => undefined,
  updateCard: async () => undefined,
  threadNote: async () => undefined,
  sendMail: async () => undefined,
  refreshHome: async () => undefined,
  dmAssignee: async () => undefined,
  slaDirectMessage: async () => undefined,
  openIncident: async () => undefined,
  sendPage: async () => undefined,
  incidentNote: async () => undefined,
  refreshIncident: async () => undefined,
  pagerDuty: async () => undefined,
  incidentUpdate: async () => undefined,
  incidentReminder: async () => undefined,
  publishReport: async () => undefined,
  refreshStormCard: async () => undefined,
  applyStormAction: async () => undefined,
  stormNote: async () => undefined,
  similarMatches: async () => undefined,
  fileBug: async () => undefined,
  bugComment: async () => undefined,
  bugSync: async () => undefined,
  bugFixedDm: async () => undefined,
  issueComment: async () => undefined,
};
