import type { KnownBlock } from '@slack/types';
import type { AppContext } from '../context.js';
import { deliverOnce } from '../db/once.js';
import { DeliveryKinds, OnceKeys } from '../db/once-keys.js';
import { BusyElsewhereError } from './errors.js';
import { postMessageOnce } from './post-once.js';
import { uploadFiles, type UploadFile } from './upload.js';

export const SUMMARY_EVENT_TYPE = 'deskbell_summary';

/** Posts a summary in #support (or `channel`) once under its key (src/slack/post-once.ts); says who posted it. */
export async function postSummary(
  ctx: AppContext,
  key: string,
  kind: string,
  message: { text: string; blocks: KnownBlock[] },
  channel = ctx.config.SUPPORT_CHANNEL_ID,
) {
  try {
    return await postMessageOnce(ctx, {
      key,
      kind,
      at: ctx.clock.now(),
      channel,
      ...message,
      eventType: SUMMARY_EVENT_TYPE,
      since: new Date(Date.now() - 86_400_000),
    });
  } catch (err) {
    // Another process is posting this very summary right now: it is theirs to finish (their job retries on failure).
    if (err instanceof BusyElsewhereError) return { by: 'earlier' as const };
    throw err;
  }
}

/** Uploads a summary's charts to #support once (their own delivery, apart from the summary's). */
export async function uploadSummaryCharts(
  ctx: AppContext,
  summaryKey: string,
  files: UploadFile[],
  comment: string,
  channel = ctx.config.SUPPORT_CHANNEL_ID,
): Promise<void> {
  await deliverOnce(ctx.models, {
    key: OnceKeys.summaryCharts(summaryKey),
    kind: DeliveryKinds.summaryCharts,
    at: ctx.clock.now(),
    // Renewed while the upload runs (up to 60 s a file): the claim need not outlast it.
    deadlineMs: ctx.claimMs,
    send: async () => ({
      files: await uploadFiles(ctx.slack, files, { channel, comment }),
    }),
  });
}
