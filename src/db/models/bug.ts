import { Schema, type Connection, type HydratedDocument, type InferSchemaType } from 'mongoose';

export const TRACKERS = ['github', 'jira'] as const;
/** `filing`: asked for, not yet in the tracker; `fixed`: closed as completed / moved to a done status. */
export const BUG_STATES = ['filing', 'open', 'fixed', 'closed', 'failed'] as const;

/**
 * One issue in a tracker that support tickets are linked to (src/domain/bugs.ts). Filed from a card (the
 * `request` is stored first and the delivery worker files it once) or linked as it already exists. Tickets
 * point to it (`ticket.bug.id`); its status comes back through the trackers' signed webhooks.
 */
const bugSchema = new Schema(
  {
    tracker: { type: String, enum: TRACKERS, required: true },
    /** The issue in its tracker once known: GitHub `owner/name#12`, Jira `APP-12`. */
    ref: String,
    /** How people name it: `#12`, `APP-12`. */
    key: String,
    url: String,
    title: { type: String, required: true },
    state: { type: String, enum: BUG_STATES, required: true },
    /** The tracker's own word for its status (`open`, `closed`, `In Review`). */
    trackerStatus: String,
    /** How often it was fixed: each round's notes, DMs and mails are sent once. */
    fixRound: { type: Number, default: 0 },
    /** When the issue was opened (filed by Deskbell, or the tracker's creation time when linked). */
    openedAt: Date,
    fixedAt: Date,
    /** What the agent asked to file, stored before anything reaches the tracker. */
    request: {
      /** The form submission (its view id): a double submit finds this document. */
      key: String,
      ticketId: Schema.Types.ObjectId,
      actor: { type: { type: String }, id: String, name: String },
      /** The form's fields (src/domain/bug-report.ts, BugReport). */
      report: Schema.Types.Mixed,
      at: Date,
    },
    lastError: String,
    /** The latest webhook deliveries applied: a replay changes nothing. */
    deliveries: { type: [String], default: [] },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
bugSchema.index({ ref: 1, tracker: 1 }, { unique: true, partialFilterExpression: { ref: { $type: 'string' } } });
bugSchema.index(
  { 'request.key': 1 },
  { unique: true, partialFilterExpression: { 'request.key': { $type: 'string' } } },
);
// The reconcile sweep's filings still owed; the report's bugs of a period.
bugSchema.index({ state: 1, createdAt: 1 });
bugSchema.index({ openedAt: 1 });

export type BugFields = InferSchemaType<typeof bugSchema>;
export type BugDoc = HydratedDocument<BugFields>;
export type Tracker = (typeof TRACKERS)[number];
export type BugState = (typeof BUG_STATES)[number];

export function bugModel(conn: Connection) {
  return conn.model('Bug', bugSchema, 'bugs');
}
