import { Schema, type Connection, type HydratedDocument, type InferSchemaType } from 'mongoose';

const actorSchema = new Schema(
  { type: { type: String, enum: ['user', 'requester', 'system'], required: true }, id: String, name: String },
  { _id: false },
);

/** One entry of the incident's own timeline (declared, paged, acknowledged, commander changed…). */
const incidentEventSchema = new Schema({
  at: { type: Date, required: true },
  actor: { type: actorSchema, required: true },
  kind: { type: String, required: true },
  data: Schema.Types.Mixed,
  /** Makes a redelivered click or a repeated job change nothing. */
  dedupeKey: String,
  /** A status update whose effects (war room, thread, topic, brief, mails) all went out; the clock sweep re-asks for the rest. */
  done: Boolean,
});

/** One action item of an incident report's prevention section. */
const actionItemSchema = new Schema({ action: { type: String, required: true }, owner: String }, { _id: false });

/** A P0 incident (PRODUCT.md, "P0 emergency"): one per ticket that became P0. */
const incidentSchema = new Schema(
  {
    number: { type: Number, required: true, unique: true },
    key: { type: String, required: true, unique: true },
    ticketId: { type: Schema.Types.ObjectId, required: true, unique: true },
    ticketKey: { type: String, required: true },
    title: { type: String, required: true },
    /** `active` until resolved; `monitoring` while a fix is watched (INCIDENT_MONITOR_MINUTES); `resolved` for good. */
    status: { type: String, enum: ['active', 'monitoring', 'resolved'], required: true, default: 'active' },
    /** The status of the latest update, as the war room, topic and status page show it. */
    currentStatus: {
      type: String,
      enum: ['investigating', 'identified', 'monitoring', 'resolved'],
      default: 'investigating',
    },
    /** Fixed when it is resolved (monitoring included): the incident's duration is declaredAt → resolvedAt. */
    resolvedAt: Date,
    /** When monitoring ended (or resolvedAt when there was none). */
    closedAt: Date,
    /** What fixed it (from the Resolve form). */
    fix: String,
    /** The next status update is due at `dueAt` (chosen `intervalMs` after the last one); unset once resolved. */
    cadence: { dueAt: Date, intervalMs: Number },
    monitor: { until: Date },
    report: {
      dueAt: Date,
      submittedAt: Date,
      submittedBy: String,
      revision: { type: Number, default: 0 },
      title: String,
      startedAt: Date,
      endedAt: Date,
      impact: String,
      rootCause: String,
      resolution: String,
      prevention: { type: [actionItemSchema], default: undefined },
      timeline: String,
    },
    /** When the war room is archived (INCIDENT_ARCHIVE_DAYS after the report), and when it was. */
    archive: { at: Date, doneAt: Date },
    /** The next moment the clock sweep must look at this incident (update reminders, monitoring end, report reminders, archive). */
    clockAt: Date,
    declaredAt: { type: Date, required: true },
    /**
     * Set in the write that stores the incident, unset once its first minute (war room, brief, alert, first page,
     * PagerDuty trigger) is done: while set, the clock sweep asks for that work again, so a crash between storing
     * the incident and asking for its effects loses nothing.
     */
    openOwedAt: Date,
    /** How it was declared: the card's button, a priority change, a webhook, `/support incident`. */
    declaredVia: { type: String, enum: ['card', 'priority', 'webhook', 'command'], required: true },
    roles: {
      declarer: String,
      commander: String,
      /** Who was on call when it was declared (user ids), and the usergroup paged instead when there is no rotation. */
      oncall: { type: [String], default: [] },
      oncallUsergroup: String,
      secondary: String,
    },
    /** The war room; `error` says why there is none (a refused scope or setting). */
    channel: { id: String, name: String, error: String },
    brief: { channel: String, ts: String },
    alert: { channel: String, ts: String },
    page: {
      /** The last paging round sent (0 = the first page at declaration). */
      round: { type: Number, default: -1 },
      /** When the next round falls due; unset once acknowledged or resolved. Indexed for the sweep. */
      nextAt: Date,
      escalatedAt: Date,
      acknowledgedAt: Date,
      acknowledgedBy: String,
    },
    timeline: { type: [incidentEventSchema], default: [] },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { optimisticConcurrency: true, minimize: false },
);
incidentSchema.index({ 'page.nextAt': 1 });
incidentSchema.index({ clockAt: 1 });
incidentSchema.index({ openOwedAt: 1 }, { sparse: true });
// `/support update` and `/support link SUP-12` find the incident of the war room they are typed in.
incidentSchema.index({ 'channel.id': 1 });
incidentSchema.index({ status: 1, declaredAt: -1 });

export type IncidentFields = InferSchemaType<typeof incidentSchema>;
export type IncidentDoc = HydratedDocument<IncidentFields>;

export function incidentModel(conn: Connection) {
  return conn.model('Incident', incidentSchema, 'incidents');
}

/** On-call overrides taken in Slack (`/support oncall take`), on top of ONCALL_FILE's own. */
const onCallOverrideSchema = new Schema(
  {
    user: { type: String, required: true },
    from: { type: Date, required: true },
    to: { type: Date, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
onCallOverrideSchema.index({ to: 1 });

export function onCallOverrideModel(conn: Connection) {
  return conn.model('OnCallOverride', onCallOverrideSchema, 'oncall_overrides');
}
