import type { AppContext } from '../context.js';
import type { ClockKind } from '../domain/incidents/clock.js';
import { applyStormAction } from '../domain/storm-actions.js';
import { runHeldIntake, runTicketIntake } from '../flows/ticket-intake.js';
import type { TicketDoc } from '../db/models/ticket.js';
import { renewIntakes } from '../domain/intake-claim.js';
import { sendOutboxMail } from '../mail/send-outbox.js';
import { sendPagerDutyEvent } from '../pagerduty/events.js';
import { sendAssigneeDm } from '../slack/assignee-dm.js';
import { postThreadNote, updateCard } from '../slack/cards.js';
import { SlackPriority, withSlackPriority } from '../slack/channel-queue.js';
import { publishHome } from '../slack/home.js';
import { openIncident } from '../flows/open-incident.js';
import { postIncidentNote, sendPage } from '../slack/incidents/page.js';
import { refreshIncident } from '../slack/incidents/refresh.js';
import { sendIncidentReminder } from '../flows/incident-reminder.js';
import { publishIncidentReport } from '../flows/incident-report.js';
import { publishIncidentUpdate } from '../flows/incident-update.js';
import { sendSlaDirectMessage } from '../slack/sla-dm.js';
import { postStormNote, refreshStormCard } from '../slack/storm-card.js';
import { postCardThenMatches, postSimilarMatches } from '../flows/similar-matches.js';
import { fileBug } from '../flows/file-bug.js';
import { postBugComment } from '../flows/bug-comment.js';
import { postIssueComment } from '../flows/issue-comment.js';
import { syncBugTickets } from '../domain/bug-status.js';
import { sendBugFixedDm } from '../slack/bug-dm.js';
import { EffectNames as N } from './names.js';
import type { EffectKind, EffectRun } from './worker.js';

type Data = Record<string, string>;
/** What an effect records on its once-only deliveries, so the reconcile sweep can ask for it again. */
const asJob = (run: EffectRun, data: Data) => ({ name: run.name, data });

/** Everything an incident sends goes first in every channel queue: it never waits behind ticket cards. */
function urgent(run: (data: Data, r: EffectRun) => Promise<unknown>): EffectKind {
  return { lane: 'urgent', run: async (d, r) => void (await withSlackPriority(SlackPriority.P0, () => run(d, r))) };
}

/** Every immediate effect the app performs, by name: each a once-only delivery or an idempotent re-render. */
export function effectKinds(ctx: AppContext): Record<string, EffectKind> {
  return {
    [N.ticketIntake]: {
      run: (d) => runTicketIntake(ctx, d.ticketId!),
      // Stored claimed by this process (src/domain/tickets.ts): no claim, no read, no record.
      held: (_d, held, yieldTurn) => runHeldIntake(ctx, held as { owner: string; ticket: TicketDoc }, yieldTurn),
      renewHeld: (helds) => renewIntakes(ctx.models, helds as Array<{ owner: string; ticket: TicketDoc }>, ctx.claimMs),
    },
    // Messages in #support leave one a second: their own lane, so a backlog of them takes no slot from the rest.
    [N.postCard]: { lane: 'channel', run: (d, r) => postCardThenMatches(ctx, d.ticketId!, asJob(r, d)) },
    [N.updateCard]: { lane: 'channel', run: (d) => updateCard(ctx, d.ticketId!) },
    [N.threadNote]: { lane: 'channel', run: (d, r) => postThreadNote(ctx, d.ticketId!, d.eventId!, asJob(r, d)) },
    [N.sendMail]: { run: (d, r) => sendOutboxMail(ctx, d.outboxId!, asJob(r, d)) },
    [N.assigneeDm]: { maxRetries: 20, run: (d, r) => sendAssigneeDm(ctx, d.ticketId!, d.eventId!, asJob(r, d)) },
    [N.slaDirectMessage]: {
      maxRetries: 20,
      run: (d, r) => sendSlaDirectMessage(ctx, d.ticketId!, d.eventId!, asJob(r, d)),
    },
    // Few retries: a missed refresh is repaired by the next change or by the user opening the tab.
    [N.refreshHome]: { maxRetries: 3, maxDelayMs: 60_000, run: (d) => publishHome(ctx, d.userId!) },
    [N.stormCard]: { lane: 'channel', run: (d, r) => refreshStormCard(ctx, d.stormId!, asJob(r, d)) },
    [N.stormAction]: { run: (d) => applyStormAction(ctx, d.stormId!, d.actionId!) },
    [N.stormNote]: { lane: 'channel', run: (d, r) => postStormNote(ctx, d.stormId!, d.actionId!, asJob(r, d)) },
    // Best effort: the matches are a help, not a duty; a card that never comes stops it after a few tries.
    [N.similarMatches]: {
      lane: 'channel',
      maxRetries: 10,
      run: (d, r) => postSimilarMatches(ctx, d.ticketId!, asJob(r, d)),
    },
    [N.incidentOpen]: urgent((d) => openIncident(ctx, d.incidentId!)),
    [N.incidentPage]: urgent((d) => sendPage(ctx, d.incidentId!, d.eventId!)),
    [N.incidentNote]: urgent((d) => postIncidentNote(ctx, d.incidentId!, d.eventId!)),
    [N.incidentRefresh]: urgent((d) => refreshIncident(ctx, d.incidentId!)),
    [N.pagerDuty]: urgent((d, r) =>
      sendPagerDutyEvent(ctx, d.incidentId!, d.action as 'trigger', Number(d.round ?? 0), asJob(r, d)),
    ),
    [N.incidentUpdate]: urgent((d, r) => publishIncidentUpdate(ctx, d.incidentId!, d.eventId!, asJob(r, d))),
    [N.incidentReminder]: urgent((d, r) =>
      sendIncidentReminder(ctx, d.incidentId!, d.kind as ClockKind, new Date(d.at!), Number(d.round), asJob(r, d)),
    ),
    [N.incidentReport]: urgent((d, r) => publishIncidentReport(ctx, d.incidentId!, Number(d.revision), asJob(r, d))),
    // A tracker that is down for hours keeps the request: 30 retries back off to 10 minutes each.
    [N.fileBug]: { run: (d, r) => fileBug(ctx, d.bugId!, asJob(r, d)) },
    [N.bugComment]: { run: (d, r) => postBugComment(ctx, d.bugId!, d.ticketId!, asJob(r, d)) },
    [N.bugSync]: { run: (d) => syncBugTickets(ctx, d.bugId!) },
    [N.bugFixedDm]: { maxRetries: 20, run: (d, r) => sendBugFixedDm(ctx, d.ticketId!, d.eventId!, asJob(r, d)) },
    [N.issueComment]: { run: (d, r) => postIssueComment(ctx, d.ticketId!, d.eventId!, asJob(r, d)) },
  };
}
