import type { WebClient } from '@slack/web-api';
import type { KnownBlock } from '@slack/types';
import type { Types } from 'mongoose';
import type { Models } from '../db/models/index.js';
import { deliverOnce, type DeliverOnceOutcome } from '../db/once.js';
import { BusyElsewhereError, mayHaveReachedSlack } from './errors.js';

export interface PostedMessage {
  channel: string;
  ts: string;
}

export interface OncePostDeps {
  models: Pick<Models, 'Delivery'>;
  slack: WebClient;
  /** A client that never retries by itself: a retried chat.postMessage could post twice. */
  slackNoRetry: WebClient;
  /** How long the delivery's claim lasts without renewal (SlackDeps.claimMs). */
  claimMs: number;
}

export interface OncePost {
  key: string;
  kind: string;
  ticketId?: Types.ObjectId | string;
  at: Date;
  job?: { name: string; data: Record<string, string> };
  /** A channel id, or a user id for a DM. */
  channel: string;
  threadTs?: string;
  text: string;
  blocks?: KnownBlock[];
  /** Slack message metadata; the once-key is added to its payload so a check can recognise the message. */
  eventType: string;
  payload?: Record<string, string>;
  /** Oldest time the message can have been posted (bounds the search). */
  since: Date;
  /** Covered by a claim the caller holds (src/db/once.ts, `underClaim`). */
  underClaim?: { takenOver: boolean };
}

/**
 * Posts one Slack message exactly once (see src/db/once.ts). When an earlier attempt may have reached
 * Slack (a timeout, a 5xx, a crash mid-call), the channel or thread is searched for the message by its
 * metadata before posting again. Throws BusyElsewhereError while another worker holds the claim.
 */
export async function postMessageOnce(
  deps: OncePostDeps,
  p: OncePost,
): Promise<DeliverOnceOutcome<PostedMessage> & { status: 'done' }> {
  const channel = p.channel;
  const outcome = await deliverOnce<PostedMessage>(deps.models, {
    key: p.key,
    kind: p.kind,
    ticketId: p.ticketId,
    at: p.at,
    deadlineMs: deps.claimMs,
    job: p.job,
    ...(p.underClaim ? { underClaim: p.underClaim } : {}),
    // A DM is posted to the user's id; only a check needs the conversation's own id.
    check: async () => findPosted(deps.slack, isUser(channel) ? await openDm(deps.slack, channel) : channel, p),
    mayHaveReached: mayHaveReachedSlack,
    send: async () => {
      const res = await deps.slackNoRetry.chat.postMessage({
        channel,
        ...(p.threadTs ? { thread_ts: p.threadTs } : {}),
        text: p.text,
        ...(p.blocks ? { blocks: p.blocks } : {}),
        unfurl_links: false,
        unfurl_media: false,
        metadata: { event_type: p.eventType, event_payload: { ...p.payload, once_key: p.key } },
      });
      if (!res.ts || !res.channel) throw new Error('chat.postMessage answered without channel/ts');
      return { channel: res.channel, ts: res.ts };
    },
  });
  if (outcome.status === 'busy') throw new BusyElsewhereError(`another worker is delivering ${p.key}`);
  return outcome;
}

function isUser(channel: string): boolean {
  return /^[UW][A-Z0-9]+$/.test(channel);
}

async function openDm(slack: WebClient, user: string): Promise<string> {
  const res = await slack.conversations.open({ users: user });
  const id = (res.channel as { id?: string } | undefined)?.id;
  if (!id) throw new Error('conversations.open answered without a channel');
  return id;
}

type WithMetadata = { ts?: string; metadata?: { event_type?: string; event_payload?: { once_key?: string } } };

/** Looks through the channel's (or thread's) messages since `since` for the one carrying this once-key. */
async function findPosted(slack: WebClient, channel: string, p: OncePost): Promise<PostedMessage | undefined> {
  // A minute of slack for clock skew between Deskbell and Slack.
  const oldest = String(Math.floor(p.since.getTime() / 1000) - 60);
  let cursor: string | undefined;
  for (let page = 0; page < 20; page++) {
    const res = p.threadTs
      ? await slack.conversations.replies({
          channel,
          ts: p.threadTs,
          oldest,
          limit: 200,
          include_all_metadata: true,
          ...(cursor ? { cursor } : {}),
        })
      : await slack.conversations.history({
          channel,
          oldest,
          limit: 200,
          include_all_metadata: true,
          ...(cursor ? { cursor } : {}),
        });
    const hit = (res.messages as WithMetadata[] | undefined)?.find(
      (m) => m.metadata?.event_type === p.eventType && m.metadata.event_payload?.once_key === p.key,
    );
    if (hit?.ts) return { channel, ts: hit.ts };
    cursor = res.response_metadata?.next_cursor || undefined;
    if (!res.has_more || !cursor) return undefined;
  }
  return undefined;
}
