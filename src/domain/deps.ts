import type { Clock } from '../clock.js';
import type { Models } from '../db/models/index.js';
import type { Logger } from '../logger.js';
import type { Effects } from './effects.js';
import type { IncidentSettings } from './incidents/settings.js';
import type { DomainSettings } from './settings.js';
import type { SlaPolicy } from './sla-policy.js';
import type { TriageRules } from './triage-rules.js';

/** What domain functions need: storage, time, policy, and a way to ask for side effects. */
export interface DomainDeps {
  models: Models;
  clock: Clock;
  effects: Effects;
  rules: TriageRules;
  policy: SlaPolicy;
  settings: DomainSettings;
  logger: Logger;
  incidents: IncidentSettings;
}
