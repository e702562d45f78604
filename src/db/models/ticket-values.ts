/**
 * The values a ticket's fields may hold, as stored: the schema (./ticket.ts) enforces them and the domain
 * (src/domain/types.ts) re-exports them with their labels. They live here so storage needs nothing above it.
 */
export const PRIORITIES = ['P0', 'P1', 'P2', 'P3'] as const;
export const CATEGORIES = ['bug', 'question', 'account', 'feature_request', 'feedback'] as const;
export const STATUSES = ['new', 'triaged', 'in_progress', 'waiting_on_customer', 'resolved', 'closed'] as const;
export const ESCALATION_LEVELS = ['L1', 'L2', 'L3', 'management'] as const;
export const SOURCES = ['email', 'webhook', 'slack', 'github'] as const;
