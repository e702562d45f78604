import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * The whole text of a requester's mail that joined a ticket, kept apart from the ticket: the ticket's
 * timeline holds a clipped quote (what the thread note shows), so a ticket with thousands of replies stays
 * far below MongoDB's 16 MB document limit. `_id` is the mail's dedupe key: a redelivery writes nothing new.
 */
const ticketMessageSchema = new Schema(
  {
    _id: { type: String, required: true },
    ticketId: { type: Schema.Types.ObjectId, required: true },
    messageId: String,
    from: { email: String, name: String },
    text: { type: String, default: '' },
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
