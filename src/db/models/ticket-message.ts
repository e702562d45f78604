import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * A requester's mail kept apart from the ticket: what they wrote (`text`, the reply without quoted history
 * and signature) and the mail as received (`rawText`, `html`), which "Show the full message" on the thread
 * note opens. The ticket's timeline holds a clipped quote, so a ticket with thousands of replies stays far
 * below MongoDB's 16 MB document limit. `_id` is the mail's dedupe key: a redelivery writes nothing new.
 */
const ticketMessageSchema = new Schema(
  {
    _id: { type: String, required: true },
    ticketId: { type: Schema.Types.ObjectId, required: true },
    messageId: String,
    from: { email: String, name: String },
    text: { type: String, default: '' },
    /** The text part as received; absent for an HTML-only mail. */
    rawText: String,
    html: String,
    /** An HTML-only mail's HTML as plain text (all of it, quotes included), for reading in Slack. */
    fullText: String,
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
ticketMessageSchema.index({ ticketId: 1, createdAt: 1 });
// A requester's later mail may name an earlier one that the ticket no longer embeds.
ticketMessageSchema.index({ messageId: 1 });

export type TicketMessageFields = InferSchemaType<typeof ticketMessageSchema>;

export function ticketMessageModel(conn: Connection) {
  return conn.model('TicketMessage', ticketMessageSchema, 'ticket_messages');
}
