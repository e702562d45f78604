import { liveIncidentRows } from '../domain/incidents/overview.js';
import type { SlackDeps } from './deps.js';
import { myOpenTickets, ticketsNearestTarget, unassignedOpenTickets } from '../domain/queues.js';
import { appHomeNotMemberView, appHomeView, HOME_LIST_SIZE, HOME_NEAREST_SIZE } from '../../views/app-home.js';
import { workspaceUrl } from './workspace-url.js';

export type HomeDeps = Pick<SlackDeps, 'models' | 'slack' | 'team' | 'clock' | 'supportChannel'>;

/** Renders and publishes one user's App Home from the stored tickets (idempotent: the latest state wins). */
export async function publishHome(deps: HomeDeps, userId: string): Promise<void> {
  if (!(await deps.team.mayAct(userId))) {
    await deps.slack.views.publish({ user_id: userId, view: appHomeNotMemberView(deps.team.usergroup) });
    return;
  }
  const [incidents, mine, unassigned, nearest, url] = await Promise.all([
    liveIncidentRows(deps, 5),
    myOpenTickets(deps, userId, HOME_LIST_SIZE),
    unassignedOpenTickets(deps, HOME_LIST_SIZE),
    ticketsNearestTarget(deps, HOME_NEAREST_SIZE),
    workspaceUrl(deps.slack),
  ]);
  const view = appHomeView({
    incidents,
    mine,
    unassigned,
    nearest,
    now: deps.clock.now(),
    workspaceUrl: url,
    supportChannel: deps.supportChannel,
  });
  await deps.slack.views.publish({ user_id: userId, view });
}
