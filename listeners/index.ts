import type { App } from '@slack/bolt';
import type { AppContext } from '../src/context.js';

/** Registers every Slack listener; one file a handler under actions/, commands/, views/, events/, shortcuts/. */
export function registerListeners(app: App, ctx: AppContext): void {
  void app;
  void ctx;
}
