import type { App } from '@slack/bolt';
import type { AppContext } from '../../src/context.js';
import { addInternalNote } from '../../src/domain/replies.js';
import { ticketByCard } from '../../src/domain/tickets.js';

/** The fields of a `message` event this listener reads; Bolt's union of message subtypes is narrowed by hand. */
interface ThreadMessage {
  channel?: string;
  user?: string;
  text?: string;
  ts?: string;
  thread_ts?: string;
  subtype?: string;
  bot_id?: string;
  client_msg_id?: string;
  files?: unknown[];
}

/** Plain messages and replies also sent to the channel; edits, deletions, joins and bot posts are not notes. */
const NOTE_SUBTYPES = new Set([undefined, 'thread_broadcast', 'file_share']);

/**
 * A support-team member's message in a card's thread is kept on the ticket's timeline as an internal note
 * (never emailed: the requester only gets what is sent with Reply). Messages from people outside
 * SUPPORT_TEAM_USERGROUP are left alone, silently: a thread is a conversation, not a command.
 */
export function register(app: App, ctx: AppContext): void {
  app.event('message', async ({ event }) => {
    const m = event as unknown as ThreadMessage;
    if (m.channel !== ctx.config.SUPPORT_CHANNEL_ID || !m.thread_ts || !m.ts || m.thread_ts === m.ts) return;
    if (m.bot_id || !m.user || !NOTE_SUBTYPES.has(m.subtype)) return;
    const text =
      (m.text ?? '').trim() ||
      (m.files?.length ? `(shared ${m.files.length === 1 ? 'a file' : `${m.files.length} files`})` : '');
    if (!text) return;
    try {
      const ticket = await ticketByCard(ctx, { channel: m.channel, ts: m.thread_ts });
      if (!ticket) return;
      if (!(await ctx.team.mayAct(m.user))) {
        ctx.logger.debug(
          { user: m.user, ticket: ticket.key },
          'thread message from outside the support team: not kept as a note',
        );
        return;
      }
      await addInternalNote(ctx, {
        ticketId: ticket.id,
        actor: { type: 'user', id: m.user },
        text,
        slackTs: m.ts,
        requestKey: m.client_msg_id ?? m.ts,
      });
    } catch (err) {
      // Events are acknowledged already and there is nobody to tell; Slack does not redeliver after the ack.
      ctx.logger.error({ err, ts: m.ts, thread: m.thread_ts }, 'could not keep a thread message as an internal note');
    }
  });
}
