import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { DomainError } from '../src/domain/errors.js';
import type { Logger } from '../src/logger.js';
import mongoose from 'mongoose';

/** Says something only `user` sees in `channel`; falls back to a DM when the app can't post there. */
export async function tellUser(
  slack: WebClient,
  channel: string | undefined,
  user: string,
  text: string,
  blocks?: KnownBlock[],
): Promise<void> {
  try {
    if (channel) {
      await slack.chat.postEphemeral({ channel, user, text, ...(blocks ? { blocks } : {}) });
      return;
    }
  } catch {
    // Not in the channel, or an App Home / modal context: DM instead.
  }
  await slack.chat.postMessage({ channel: user, text, ...(blocks ? { blocks } : {}) });
}

/** A user-facing sentence for a failure: the domain's own words, or a generic one (details go to the log). */
export function userMessage(err: unknown): string {
  if (err instanceof DomainError) return err.message;
  if (err instanceof mongoose.Error.VersionError)
    return 'Someone else is changing this ticket right now. Please try again in a moment.';
  return 'Sorry, that did not work: something went wrong on our side and nothing was changed. Please try again; if it keeps failing, tell your Deskbell admin.';
}

/**
 * Runs the slow part of a handler after the ack: failures are logged and told to the user ephemerally,
 * never as a stack trace.
 */
export async function afterAck(
  ctx: { slack: WebClient; logger: Logger },
  where: { channel?: string; user: string; what: string },
  work: () => Promise<void>,
): Promise<void> {
  try {
    await work();
  } catch (err) {
    ctx.logger.error({ err, user: where.user, what: where.what }, 'Slack action failed');
    await tellUser(ctx.slack, where.channel, where.user, `:warning: ${userMessage(err)}`).catch((e: unknown) =>
      ctx.logger.error({ err: e }, 'could not tell the user about a failure'),
    );
  }
}
