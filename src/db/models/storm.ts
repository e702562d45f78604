import { Schema, type Connection, type InferSchemaType, type HydratedDocument } from 'mongoose';
import { PRIORITIES } from '../../domain/types.js';

const actorSchema = new Schema({ type: { type: String, required: true }, id: String, name: String }, { _id: false });

/** A decision taken for every ticket of the storm (Reply to all, Set priority, Link all, Split), applied by a job. */
const actionSchema = new Schema({
  kind: { type: String, enum: ['reply', 'priority', 'link', 'split'], required: true },
  /** The request that asked for it (modal view id, click): asking twice records one action. */
  requestKey: { type: String, required: true },
  actor: { type: actorSchema, required: true },
  at: { type: Date, required: true },
  message: String,
  waitOnCustomer: Boolean,
  priority: { type: String, enum: PRIORITIES },
  incident: { id: Schema.Types.ObjectId, key: String },
  doneAt: Date,
  applied: Number,
  skipped: Number,
  /** Reply to all: requesters not emailed because their address is unverified (src/domain/bulk-mail.ts). */
  unverified: Number,
});

/**
 * A burst of similar tickets (see src/domain/storms.ts). `openKey` holds the similarity signature while the
 * storm lasts; its unique index makes "the storm of this signature" one document however many processes
 * detect it at once.
 */
export const stormSchema = new Schema(
  {
    signature: { type: String, required: true },
    openKey: String,
    /** The subject of the ticket that tipped it over, as the card's title (requester text: escape it). */
    label: { type: String, required: true },
    status: { type: String, enum: ['active', 'split', 'ended'], required: true, default: 'active' },
    startedAt: { type: Date, required: true },
    /** Business time of the latest ticket to join; the storm ends STORM_WINDOW_MINUTES after it. */
    lastTicketAt: { type: Date, required: true },
    /** Bumped by every join and decision: the card is re-rendered when it is ahead of `card.renderedVersion`. */
    version: { type: Number, default: 0 },
    card: {
      channel: String,
      ts: String,
      renderedVersion: Number,
      /** Real time of the last post or update (the throttle). */ updatedAt: Date,
    },
    /** Applied to tickets that join after the decision too. */
    priority: { type: String, enum: [...PRIORITIES, null], default: null },
    incident: { id: Schema.Types.ObjectId, key: String },
    actions: { type: [actionSchema], default: [] },
  },
  { minimize: false },
);

stormSchema.index({ openKey: 1 }, { unique: true, partialFilterExpression: { openKey: { $exists: true } } });

export type StormFields = InferSchemaType<typeof stormSchema>;
export type StormDoc = HydratedDocument<StormFields>;
export type StormAction = StormFields['actions'][number];

export function stormModel(conn: Connection) {
  return conn.model('Storm', stormSchema, 'storms');
}
