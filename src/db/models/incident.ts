import { Schema, type Connection, type HydratedDocument, type InferSchemaType } from 'mongoose';

const actorSchema = new Schema({ type: { type: String, enum: ['user', 'requester', 'system'], required: true }, id: String, name: String }, { _id: false });

/** One entry of the incident's own timeline (declared, paged, acknowledged, commander changed…). */
const incidentEventSchema = new Schema({
  at: { type: Date, required: true },
  actor: { type: actorSchema, required: true },
  kind: { type: String, required: true },
  data: Schema.Types.Mixed,
  /** Makes a redelivered click or a repeated job change nothing. */
  dedupeKey: String,
});

/** A P0 incident (PRODUCT.md, "P0 emergency"): one per ticket that became P0. */
const incidentSchema = new Schema(
  {
    number: { type: Number, required: true, unique: true },
    key: { type: String, required: true, unique: true },
    ticketId: { type: Schema.Types.ObjectId, required: true, unique: true },
    ticketKey: { type: String, required: true },
    title: { type: String, required: true },
    status: { type: String, enum: ['active', 'resolved'], required: true, default: 'active' },
    declaredAt: { type: Date, required: true },
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
incidentSchema.index({ status: 1, declaredAt: -1 });

export type IncidentFields = InferSchemaType<typeof incidentSchema>;
export type IncidentDoc = HydratedDocument<IncidentFields>;

export function incidentModel(conn: Connection) {
  return conn.model('Incident', incidentSchema, 'incidents');
}

/** On-call overrides taken in Slack (`/support oncall take`), on top of ONCALL_FILE's own. */
const onCallOverrideSchema = new Schema(
  { user: { type: String, required: true }, from: { type: Date, required: true }, to: { type: Date, required: true }, createdAt: { type: Date, required: true } },
  { versionKey: false },
);
onCallOverrideSchema.index({ to: 1 });

export function onCallOverrideModel(conn: Connection) {
  return conn.model('OnCallOverride', onCallOverrideSchema, 'oncall_overrides');
}
