import type { IncomingMessage, ServerResponse } from 'node:http';
import { declaredTooLarge, refuseBody } from './body-limit.js';

export type RoutedRequest = IncomingMessage & { params?: Record<string, string | string[]> };

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html) });
  res.end(html);
}

/**
 * Reads the whole body, refusing (413) as soon as it passes `limit` bytes rather than buffering it all; the
 * rest is never read (route() closes the connection after a 413).
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  if (declaredTooLarge(req, limit)) throw new HttpError(413, `body is larger than the ${limit}-byte limit`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, `body is larger than the ${limit}-byte limit`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The request's body as JSON: 415 when it is not declared as JSON or does not parse. */
export function parseJsonBody(req: IncomingMessage, raw: Buffer): unknown {
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(String(req.headers['content-type'] ?? ''))) {
    throw new HttpError(415, 'body must be JSON (Content-Type: application/json)');
  }
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpError(415, 'body is not valid JSON');
  }
}

/**
 * Wraps a route: a body announced larger than `maxBodyBytes` (0 for routes that take none) is refused with 413
 * before anything is read; thrown HttpErrors become JSON answers (a 413 closes the connection, so the rest of
 * an oversized body is not read), anything else a logged 500.
 */
export function route(
  log: { error: (obj: object, msg: string) => void },
  handler: (req: RoutedRequest, res: ServerResponse) => Promise<void>,
  maxBodyBytes = 0,
) {
  return (req: RoutedRequest, res: ServerResponse): void => {
    if (declaredTooLarge(req, maxBodyBytes)) {
      refuseBody(res, maxBodyBytes);
      return;
    }
    handler(req, res).catch((err: unknown) => {
      if (res.headersSent) return;
      if (err instanceof HttpError) {
        const close: Record<string, string> = err.status === 413 ? { connection: 'close' } : {};
        sendJson(res, err.status, { error: err.message, ...(err.details ? { details: err.details } : {}) }, close);
      } else {
        log.error({ err, url: req.url }, 'request failed');
        sendJson(res, 500, { error: 'internal error' });
      }
    });
  };
}
