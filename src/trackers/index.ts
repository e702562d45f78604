import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { githubClient } from './github.js';
import { jiraClient } from './jira.js';
import type { TrackerClients } from './types.js';

/** The trackers the configuration names; none when neither GitHub nor Jira is set up. */
export function trackerClients(config: Config, logger: Logger): TrackerClients {
  const github = githubClient(config, logger);
  const jira = jiraClient(config);
  return { ...(github ? { github } : {}), ...(jira ? { jira } : {}) };
}
