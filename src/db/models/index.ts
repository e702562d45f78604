import type { Connection } from 'mongoose';
import { attachmentModel } from './attachment.js';
import { checkpointModel } from './checkpoint.js';
import { counterModel } from './counter.js';
import { idempotencyKeyModel } from './idempotency-key.js';
import { incidentModel, onCallOverrideModel } from './incident.js';
import { outboundMailModel } from './outbound-mail.js';
import { deliveryModel } from './delivery.js';
import { effectModel } from './effect.js';
import { ticketModel } from './ticket.js';
import { ticketMessageModel } from './ticket-message.js';
import { stormModel } from './storm.js';
import { rateCounterModel } from './rate-counter.js';
import { archivedEventModel } from './archived-event.js';
import { articleModel } from './article.js';
import { slaPolicyVersionModel } from './sla-policy-version.js';
import { bugModel } from './bug.js';

/** Every model bound to one connection, so tests and several app instances never share mongoose globals. */
export function bindModels(conn: Connection) {
  return {
    Ticket: ticketModel(conn),
    Counter: counterModel(conn),
    Checkpoint: checkpointModel(conn),
    IdempotencyKey: idempotencyKeyModel(conn),
    OutboundMail: outboundMailModel(conn),
    Delivery: deliveryModel(conn),
    Effect: effectModel(conn),
    Attachment: attachmentModel(conn),
    TicketMessage: ticketMessageModel(conn),
    Incident: incidentModel(conn),
    OnCallOverride: onCallOverrideModel(conn),
    Storm: stormModel(conn),
    RateCounter: rateCounterModel(conn),
    ArchivedEvent: archivedEventModel(conn),
    Article: articleModel(conn),
    SlaPolicyVersion: slaPolicyVersionModel(conn),
    Bug: bugModel(conn),
  };
}

export type Models = ReturnType<typeof bindModels>;

/** Builds the indexes the queries rely on; run at start (autoIndex is off so this happens once, visibly). */
export async function ensureIndexes(models: Models): Promise<void> {
  for (const model of Object.values(models)) await model.createIndexes();
}
