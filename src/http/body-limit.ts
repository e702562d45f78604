import type { HTTPReceiver } from '@slack/bolt';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Largest request Deskbell takes from Slack at /slack/events. Slack's own payloads are small: an event or a
 * command is a few kB; the largest, a modal submission, carries the view and its inputs (Deskbell's biggest
 * form, the incident report, holds six 3000-character fields twice: under 400 kB even when every character
 * is percent-encoded UTF-8). Bolt's own default is 4 MB.
 */
export const SLACK_MAX_BODY_BYTES = 1024 * 1024;

/**
 * Whether a request announces a body larger than `limit` bytes (a route that takes no body has limit 0 and
 * also refuses a chunked one). Checked before a byte of the body is read.
 */
export function declaredTooLarge(req: IncomingMessage, limit: number): boolean {
  const length = Number(req.headers['content-length'] ?? 0);
  if (Number.isNaN(length) || length > limit) return true;
  return limit === 0 && !!req.headers['transfer-encoding'];
}

/** 413, and the connection is closed after it so the rest of the body is never read. */
export function refuseBody(res: ServerResponse, limit: number): void {
  const text = JSON.stringify({ error: `body is larger than the ${limit}-byte limit` });
  res.writeHead(413, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    connection: 'close',
  });
  res.end(text);
}

/**
 * Caps Slack's endpoint: a request announced larger than SLACK_MAX_BODY_BYTES is refused before Bolt reads it
 * (Bolt buffers the whole body before it checks the signature); a chunked one stops at the same size
 * (Bolt's `bodyLimit`, set where the receiver is made).
 */
export function limitSlackBodies(receiver: HTTPReceiver, path: string): void {
  const next = receiver.requestListener;
  receiver.requestListener = (req, res) => {
    if ((req.url ?? '').split('?')[0] === path && declaredTooLarge(req, SLACK_MAX_BODY_BYTES)) {
      return refuseBody(res, SLACK_MAX_BODY_BYTES);
    }
    next(req, res);
  };
}
