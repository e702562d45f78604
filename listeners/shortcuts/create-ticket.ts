import type { App, MessageShortcut } from '@slack/bolt';
import type { AppContext } from '../../src/context.js';
import { CallbackIds } from '../../views/ids.js';
import { messageToPlainText, subjectFromText, type NewTicketMetadata } from '../../views/new-ticket-modal.js';
import { afterAck, tellUser } from '../respond.js';
import { openNewTicketModal } from '../new-ticket-form.js';
import { notInTeamText } from '../../views/team-gate.js';

/**
 * The modal's trigger expires 3 seconds after the click, so the two lookups that fill it (the author's
 * email, the message's permalink) run side by side and are given up on after this long: the form then
 * opens with those fields empty rather than not at all.
 */
const LOOKUP_BUDGET_MS = 1_200;

function within<T>(ms: number, work: Promise<T>): Promise<T | undefined> {
  return Promise.race([
    work.catch(() => undefined),
    new Promise<undefined>((ok) => setTimeout(() => ok(undefined), ms).unref()),
  ]);
}

async function authorProfile(
  ctx: AppContext,
  userId: string | undefined,
): Promise<{ email: string; name?: string } | undefined> {
  if (!userId) return undefined;
  const res = await ctx.slack.users.info({ user: userId });
  const u = res.user as
    | { is_bot?: boolean; real_name?: string; profile?: { email?: string; real_name?: string } }
    | undefined;
  const email = u?.profile?.email;
  if (!email || u?.is_bot) return undefined;
  return { email, name: u?.profile?.real_name || u?.real_name || undefined };
}

export function register(app: App, ctx: AppContext): void {
  app.shortcut<MessageShortcut>(CallbackIds.createFromMessage, async ({ ack, shortcut }) => {
    await ack();
    const user = shortcut.user.id;
    const channel = shortcut.channel.id;
    await afterAck(ctx, { channel, user, what: 'create ticket from message' }, async () => {
      if (!(await ctx.team.mayAct(user))) {
        await tellUser(ctx.slack, channel, user, notInTeamText(ctx.team.usergroup));
        return;
      }
      const message = shortcut.message as { user?: string; text?: string; ts?: string };
      const ts = message.ts ?? shortcut.message_ts;
      const [requester, permalink] = await Promise.all([
        within(LOOKUP_BUDGET_MS, authorProfile(ctx, message.user)),
        within(
          LOOKUP_BUDGET_MS,
          ctx.slack.chat.getPermalink({ channel, message_ts: ts }).then((r) => r.permalink),
        ),
      ]);
      const text = messageToPlainText(message.text ?? '');
      const metadata: NewTicketMetadata = {
        channel,
        source: { channel, ts, author: message.user, permalink },
        requester,
      };
      await openNewTicketModal(
        ctx,
        shortcut.trigger_id,
        { email: requester?.email, subject: subjectFromText(text), description: text },
        metadata,
      );
    });
  });
}
