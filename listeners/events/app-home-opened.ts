import type { App } from '@slack/bolt';
import type { AppContext } from '../../src/context.js';
import { publishHome } from '../../src/slack/home.js';

/** Publishes the Home tab fresh each time it is opened (Bolt acknowledges events before listeners run). */
export function register(app: App, ctx: AppContext): void {
  app.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home') return;
    try {
      await publishHome(ctx, event.user);
    } catch (err) {
      // No channel to answer in: the tab keeps its previous view, and the next change or opening tries again.
      ctx.logger.error({ err, user: event.user }, 'could not publish the App Home');
    }
  });
}
