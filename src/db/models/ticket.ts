import { Schema, type Connection, type InferSchemaType, type HydratedDocument } from 'mongoose';
import { CATEGORIES, ESCALATION_LEVELS, PRIORITIES, SOURCES, STATUSES } from './ticket-values.js';

const actorSchema = new Schema(
  {
    type: { type: String, enum: ['user', 'requester', 'system'], required: true },
    id: String,
    name: String,
  },
  { _id: false },
);

/** One entry of the ticket's timeline: who did what, when. `slackTs` is set once it is posted in the card's thread. */
const eventSchema = new Schema({
  at: { type: Date, required: true },
  actor: { type: actorSchema, required: true },
  kind: { type: String, required: true },
  text: String,
  data: Schema.Types.Mixed,
  /** Idempotency key of the action that produced the event (Slack action/trigger id), to drop re-deliveries. */
  dedupeKey: String,
  /** Post this event in the card's thread; `slackTs` is set once it is posted. */
  notify: Boolean,
  slackTs: String,
});

const attachmentSchema = new Schema(
  {
    filename: String,
    contentType: String,
    size: Number,
    /** Contents over the limit are not kept; the metadata still is. */
    stored: Boolean,
    contentId: Schema.Types.ObjectId,
  },
  { _id: false },
);

/** SLA clock state (see src/domain/sla*.ts). */
const slaSchema = new Schema(
  {
    policyPriority: { type: String, enum: PRIORITIES },
    /** The SLA policy (its content hash) and schedule the clock runs under since `accountedAt`. */
    policyId: String,
    schedule: String,
    /** The team's schedule routing gave the ticket (src/domain/sla-routing.ts). */
    team: String,
    /** Routing user groups the assignee was in when assigned. */
    assigneeGroups: { type: [String], default: undefined },
    firstResponseDueAt: Date,
    resolutionDueAt: Date,
    /** Set while waiting on the customer: the clock is paused from here. */
    pausedAt: Date,
    /** Business milliseconds already spent (kept across pauses and priority changes). */
    responseSpentMs: { type: Number, default: 0 },
    resolutionSpentMs: { type: Number, default: 0 },
    /** When the spent counters were last brought up to date. */
    accountedAt: Date,
    /** Earliest time the sweep must look at this ticket again (next reminder or breach). Indexed. */
    nextCheckAt: Date,
    responseBreachedAt: Date,
    resolutionBreachedAt: Date,
    /** Set while resolved or closed: both clocks stand still; a reopen restarts them with the time spent. */
    stoppedAt: Date,
    /** When the 75 % reminder of each target falls due (only while that clock runs). */
    responseWarnDueAt: Date,
    resolutionWarnDueAt: Date,
    /** When each 75 % reminder was sent; with the *BreachedAt fields they keep each reminder to one. */
    responseWarnedAt: Date,
    resolutionWarnedAt: Date,
    /** Whether the target was met, fixed when it concluded (first response sent; ticket resolved): for the weekly review. */
    responseMet: Boolean,
    resolutionMet: Boolean,
  },
  { _id: false },
);

export const ticketSchema = new Schema(
  {
    number: { type: Number, required: true, unique: true },
    key: { type: String, required: true, unique: true },
    source: { type: String, enum: SOURCES, required: true },
    requester: {
      email: { type: String, required: true, lowercase: true, trim: true },
      name: String,
      /**
       * How we know the address belongs to whoever wrote (authenticated mail, a signed webhook, an agent,
       * an authenticated reply); unset for mail nobody vouches for. Mail to many goes to verified ones only.
       */
      verified: { type: String, enum: ['mail', 'webhook', 'agent', 'reply', 'github'] },
    },
    subject: { type: String, required: true },
    body: { type: String, default: '' },
    category: { type: String, enum: [...CATEGORIES, null], default: null },
    suggestedCategory: { type: String, enum: [...CATEGORIES, null], default: null },
    priority: { type: String, enum: [...PRIORITIES, null], default: null },
    suggestedPriority: { type: String, enum: [...PRIORITIES, null], default: null },
    status: { type: String, enum: STATUSES, required: true, default: 'new' },
    assignee: { type: String, default: null },
    escalationLevel: { type: String, enum: ESCALATION_LEVELS, default: 'L1' },
    firstResponseAt: Date,
    resolvedAt: Date,
    closedAt: Date,
    reopenCount: { type: Number, default: 0 },
    resolution: String,
    csatScore: Number,
    card: {
      channel: String,
      ts: String,
      postedAt: Date,
      breached: Boolean,
    },
    email: {
      /** Message-IDs of every mail in the thread, in and out: a reply's In-Reply-To/References match one of them. */
      messageIds: { type: [String], default: [] },
      lastMessageId: String,
      /** The support address the mail came to (`support+eu@…`), for SLA routing. */
      to: String,
      /** The requester's mail was automatic (auto-reply, list, bounce): never auto-acknowledge it. */
      automated: Boolean,
    },
    /** The P0 incident this ticket opened (its war room is shown on the card). */
    incident: { id: Schema.Types.ObjectId, key: String, channelId: String, channelName: String },
    /** An active incident this ticket is one more report of (its requester hears from the incident's updates). */
    linkedIncident: { id: Schema.Types.ObjectId, key: String, channelId: String },
    /** The tracker issue this ticket is linked to (src/domain/bugs.ts), as the card shows it. */
    bug: {
      id: Schema.Types.ObjectId,
      tracker: String,
      key: String,
      url: String,
      state: String,
      /** The bug's fix round this ticket last heard of, and the one its requester was told of. */
      round: Number,
      toldRound: Number,
    },
    /** Similarity signature (src/domain/similarity.ts): tickets sharing it within a window form a storm. */
    similarity: String,
    /** The storm this ticket belongs to; `grouped`: it has no card of its own, the storm's card shows it. */
    storm: { id: Schema.Types.ObjectId, grouped: Boolean },
    /** When storm detection decided this ticket gets a card of its own (a storm forming later adopts it). */
    stormCheckedAt: Date,
    /** Similar tickets of the window when it got its own card: a storm may be building, so its card waits behind unrelated ones. */
    lookalikes: Number,
    externalId: String,
    /** Keys of the request that made it (src/domain/tickets.ts); no default, so the sparse unique index skips older tickets. */
    idempotencyKeys: { type: [String], default: undefined },
    /**
     * What the request asked for after the answer (src/flows/ticket-intake.ts): an acknowledgement, a P0's
     * incident; `owner` and `deadline`: the claim of the process working it (src/domain/intake-claim.ts).
     */
    intake: { acknowledge: Boolean, declare: Schema.Types.Mixed, owner: String, deadline: Date },
    metadata: Schema.Types.Mixed,
    /** Feedback tags for product (src/domain/feedback.ts); `taggedAt`: when first tagged, which period counts it. */
    feedback: { tags: { type: [String], default: undefined }, taggedAt: Date },
    attachments: { type: [attachmentSchema], default: [] },
    timeline: { type: [eventSchema], default: [] },
    sla: { type: slaSchema, default: () => ({}) },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { optimisticConcurrency: true, minimize: false, timestamps: false },
);

// The request that made a ticket (webhook id, externalId, Message-ID…): a replay finds it, and a concurrent
// duplicate's insert fails on this index, which is the duplicate answer. Sparse: older tickets have none.
ticketSchema.index({ idempotencyKeys: 1 }, { unique: true, sparse: true });
// A requester's recent tickets (the acknowledgement limit per address and hour).
ticketSchema.index({ 'requester.email': 1, createdAt: 1 });
// Queue queries: open tickets by priority, by assignee, and the SLA sweep's next deadlines.
ticketSchema.index({ status: 1, priority: 1, createdAt: 1 });
ticketSchema.index({ assignee: 1, status: 1 });
ticketSchema.index({ 'sla.nextCheckAt': 1 });
// The daily summary's tickets at or past a target's warning (overdue first responses, near or past target).
ticketSchema.index({ 'sla.responseWarnDueAt': 1 });
ticketSchema.index({ 'sla.resolutionWarnDueAt': 1 });
ticketSchema.index({ 'email.messageIds': 1 });
ticketSchema.index({ createdAt: 1 });
ticketSchema.index({ resolvedAt: 1 });
// The weekly review reads every ticket that changed in the last two weeks.
ticketSchema.index({ updatedAt: 1 });
// Thread messages find their ticket by the card they reply to (internal notes).
ticketSchema.index({ 'card.ts': 1 });
// Storm detection counts similar tickets of the window; storm actions walk a storm's tickets in order.
ticketSchema.index({ similarity: 1, createdAt: 1 });
ticketSchema.index({ 'storm.id': 1, number: 1 });
// An incident's linked tickets.
ticketSchema.index({ 'linkedIncident.id': 1 });
// The feedback digest and the feature-request log read the tickets tagged in a period.
ticketSchema.index({ 'feedback.taggedAt': 1 }, { sparse: true });
// Intakes whose claim ran out (their process died): found and taken over. Sparse: only running intakes have one.
ticketSchema.index({ 'intake.deadline': 1 }, { sparse: true });
// A bug's linked tickets.
ticketSchema.index({ 'bug.id': 1 });

export type TicketFields = InferSchemaType<typeof ticketSchema>;
export type TicketDoc = HydratedDocument<TicketFields>;
export type TimelineEvent = TicketFields['timeline'][number];

export function ticketModel(conn: Connection) {
  return conn.model('Ticket', ticketSchema, 'tickets');
}
