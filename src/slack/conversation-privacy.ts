import type { WebClient } from '@slack/web-api';
import { slackErrorCode } from './errors.js';

/**
 * Whether only the people in a conversation can read what is posted there: a DM (its ID starts with D, so no
 * call is needed), a group DM, or a private channel not shared with another organisation. Anything Slack will
 * not describe (not found, a missing scope) counts as not private: personal data is posted nowhere in doubt.
 */
export async function isPrivateConversation(slack: WebClient, channel: string): Promise<boolean> {
  if (/^D[A-Z0-9]+$/.test(channel)) return true;
  try {
    const res = await slack.conversations.info({ channel });
    const c = res.channel;
    return !!c && (c.is_im === true || c.is_mpim === true || c.is_private === true) && !c.is_ext_shared;
  } catch (err) {
    if (slackErrorCode(err)) return false;
    throw err;
  }
}
