import type { WebClient } from '@slack/web-api';
import { fetchFrom } from '../net/fetch-from.js';

export interface UploadFile {
  filename: string;
  title: string;
  bytes: Buffer;
  /** Read by screen readers for images; carries the chart's numbers. */
  altText?: string;
}

export interface Share {
  channel: string;
  threadTs?: string;
  /** Posted with the files, as their message. */
  comment?: string;
}

/**
 * Slack's upload flow (files.upload is retired): ask for an upload URL per file, POST the bytes there,
 * then complete all of them at once so they are shared as one message. The upload URL is pre-signed:
 * no token goes with the bytes.
 */
export async function uploadFiles(slack: WebClient, files: UploadFile[], share: Share): Promise<string[]> {
  if (!files.length) return [];
  const ids: string[] = [];
  for (const f of files) {
    const res = await slack.files.getUploadURLExternal({
      filename: f.filename,
      length: f.bytes.length,
      ...(f.altText ? { alt_text: f.altText } : {}),
    });
    if (!res.upload_url || !res.file_id) throw new Error(`Slack gave no upload URL for ${f.filename}`);
    const posted = await fetchFrom(res.upload_url, {
      method: 'POST',
      body: new Uint8Array(f.bytes),
      headers: { 'content-type': 'application/octet-stream' },
      signal: AbortSignal.timeout(60_000),
    });
    if (!posted.ok) throw new Error(`uploading ${f.filename} failed: HTTP ${posted.status}`);
    await posted.arrayBuffer();
    ids.push(res.file_id);
  }
  await slack.files.completeUploadExternal({
    files: files.map((f, i) => ({ id: ids[i]!, title: f.title })) as [{ id: string; title: string }],
    channel_id: share.channel,
    ...(share.threadTs ? { thread_ts: share.threadTs } : {}),
    ...(share.comment ? { initial_comment: share.comment } : {}),
  });
  return ids;
}
