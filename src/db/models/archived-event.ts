import { Schema, type Connection } from 'mongoose';

/**
 * Timeline events moved out of a long-lived ticket (src/domain/timeline-cap.ts), so its document stays far
 * below MongoDB's 16 MB limit however many replies and updates it gathers. `_id` is the event's own id:
 * moving the same event twice writes nothing new.
 */
const archivedEventSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    ticketId: { type: Schema.Types.ObjectId, required: true },
    at: { type: Date, required: true },
    event: { type: Schema.Types.Mixed, required: true },
  },
  { versionKey: false },
);
archivedEventSchema.index({ ticketId: 1, at: 1 });

export function archivedEventModel(conn: Connection) {
  return conn.model('ArchivedEvent', archivedEventSchema, 'ticket_events');
}
