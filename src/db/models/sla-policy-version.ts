import { Schema, type Connection } from 'mongoose';

/**
 * Every SLA policy the deployment has run, numbered in order (`_id`), with the file's contents and when it
 * took effect: a ticket's time is counted under the policy in force while it ran (src/domain/sla-policy-history.ts).
 */
const slaPolicyVersionSchema = new Schema(
  {
    _id: { type: Number, required: true },
    policyId: { type: String, required: true },
    /** The SLA_POLICY_FILE contents (validated) and SUPPORT_TIMEZONE, enough to rebuild the policy. */
    source: Schema.Types.Mixed,
    timeZone: { type: String, required: true },
    since: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);

export function slaPolicyVersionModel(conn: Connection) {
  return conn.model('SlaPolicyVersion', slaPolicyVersionSchema, 'sla_policies');
}
