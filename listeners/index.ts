import type { App } from '@slack/bolt';
import type { AppContext } from '../src/context.js';
import { register as registerAssign } from './actions/assign.js';
import { register as registerAssignToMe } from './actions/assign-to-me.js';
import { register as registerEscalate } from './actions/escalate.js';
import { register as registerSetPriority } from './actions/set-priority.js';
import { register as registerEscalateSubmit } from './submissions/escalate.js';
import { register as registerSupportCommand } from './commands/support.js';
import { register as registerSupportReport } from './commands/support-report.js';
import { register as registerCreateFromMessage } from './shortcuts/create-ticket.js';
import { register as registerNewTicketSubmit } from './submissions/new-ticket.js';
import { register as registerAppHomeOpened } from './events/app-home-opened.js';
import { register as registerReply } from './actions/reply.js';
import { register as registerReplyTemplate } from './actions/reply-template.js';
import { register as registerResolve } from './actions/resolve.js';
import { register as registerClose } from './actions/close.js';
import { register as registerReopen } from './actions/reopen.js';
import { register as registerReplySubmit } from './submissions/reply.js';
import { register as registerResolveSubmit } from './submissions/resolve.js';
import { register as registerThreadMessage } from './events/thread-message.js';
import { register as registerIncidentButtons } from './actions/incident-buttons.js';

/** Registers every Slack listener; one file a handler under actions/, commands/, views/, events/, shortcuts/. */
export function registerListeners(app: App, ctx: AppContext): void {
  registerSetPriority(app, ctx);
  registerAssign(app, ctx);
  registerAssignToMe(app, ctx);
  registerEscalate(app, ctx);
  registerEscalateSubmit(app, ctx);
  registerSupportCommand(app, ctx);
  registerSupportReport(app, ctx);
  registerCreateFromMessage(app, ctx);
  registerNewTicketSubmit(app, ctx);
  registerAppHomeOpened(app, ctx);
  registerReply(app, ctx);
  registerReplyTemplate(app, ctx);
  registerReplySubmit(app, ctx);
  registerResolve(app, ctx);
  registerResolveSubmit(app, ctx);
  registerClose(app, ctx);
  registerReopen(app, ctx);
  registerThreadMessage(app, ctx);
  registerIncidentButtons(app, ctx);
}
