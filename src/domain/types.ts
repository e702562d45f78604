/** Vocabulary of the support process (PRODUCT.md), shared by domain, views and listeners. */
import { CATEGORIES, ESCALATION_LEVELS, PRIORITIES, SOURCES, STATUSES } from '../db/models/ticket-values.js';

export { CATEGORIES, ESCALATION_LEVELS, PRIORITIES, SOURCES, STATUSES };
export type Priority = (typeof PRIORITIES)[number];

export type Category = (typeof CATEGORIES)[number];

export type Status = (typeof STATUSES)[number];
export const OPEN_STATUSES: readonly Status[] = ['new', 'triaged', 'in_progress', 'waiting_on_customer'];

export type EscalationLevel = (typeof ESCALATION_LEVELS)[number];

export type Source = (typeof SOURCES)[number];

/** Who did something: a Slack user, the requester (by email), or Deskbell itself. */
export interface Actor {
  type: 'user' | 'requester' | 'system';
  id?: string;
  name?: string;
}

export const CATEGORY_LABELS: Record<Category, string> = {
  bug: 'Bug / technical issue',
  question: 'Question / how-to',
  account: 'Account / access',
  feature_request: 'Feature request',
  feedback: 'Feedback / complaint',
};

/** Who a category goes to (PRODUCT.md, "Categories and routing"). */
export const CATEGORY_ROUTING: Record<Category, string> = {
  bug: 'engineering',
  question: 'support',
  account: 'support',
  feature_request: 'product',
  feedback: 'support lead',
};

export const PRIORITY_LABELS: Record<Priority, string> = {
  P0: 'P0 critical',
  P1: 'P1 high',
  P2: 'P2 medium',
  P3: 'P3 low',
};

export const STATUS_LABELS: Record<Status, string> = {
  new: 'New',
  triaged: 'Triaged',
  in_progress: 'In progress',
  waiting_on_customer: 'Waiting on customer',
  resolved: 'Resolved',
  closed: 'Closed',
};

export const ESCALATION_LABELS: Record<EscalationLevel, string> = {
  L1: 'L1 support',
  L2: 'L2 engineering',
  L3: 'L3 tech lead',
  management: 'Management',
};

export function ticketKey(number: number): string {
  return `SUP-${number}`;
}

/** The next level up the escalation path, or undefined at the top (management). */
export function nextEscalationLevel(level: EscalationLevel): EscalationLevel | undefined {
  return ESCALATION_LEVELS[ESCALATION_LEVELS.indexOf(level) + 1];
}
