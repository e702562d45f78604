import type { IncomingMessage, ServerResponse } from 'node:http';
import { declaredTooLarge } from './body-limit.js';
import type { Logger } from '../logger.js';
import { HttpError, type RoutedRequest } from './respond.js';

/** One log line per rejection, but at most one a minute per door, answer code and address (a flood stays one line). */
const WINDOW_MS = 60_000;
/** Addresses remembered at once; the oldest is forgotten first, so a scan of many addresses costs bounded memory. */
const MAX_KEYS = 1000;

/**
 * Wraps an intake route so each refused request (4xx: bad signature, bad fields, too large, too many) is
 * logged once with the reason and the caller's address, then answered as before. Repeats from the same
 * address within a minute are counted and reported on the next line instead of one line each.
 */
export function logRejections(
  logger: Logger,
  door: string,
  handler: (req: RoutedRequest, res: ServerResponse) => Promise<void>,
): (req: RoutedRequest, res: ServerResponse) => Promise<void> {
  const log = logger.child({ component: 'http', door });
  const recent = new Map<string, { since: number; suppressed: number }>();
  return async (req, res) => {
    try {
      await handler(req, res);
    } catch (err) {
      if (err instanceof HttpError && err.status >= 400 && err.status < 500) {
        note(recent, log, err, req);
      }
      throw err;
    }
  };
}

function note(
  recent: Map<string, { since: number; suppressed: number }>,
  log: Logger,
  err: HttpError,
  req: RoutedRequest,
) {
  const remote = req.socket.remoteAddress ?? 'unknown';
  const key = `${err.status} ${remote}`;
  const now = Date.now();
  const seen = recent.get(key);
  if (seen && now - seen.since < WINDOW_MS) {
    seen.suppressed += 1;
    return;
  }
  recent.delete(key);
  if (recent.size >= MAX_KEYS) recent.delete(recent.keys().next().value!);
  recent.set(key, { since: now, suppressed: 0 });
  const forwardedFor = req.headers['x-forwarded-for'];
  log.warn(
    {
      status: err.status,
      reason: err.message,
      ...(err.details ? { details: err.details } : {}),
      remote,
      ...(forwardedFor ? { forwardedFor: String(forwardedFor) } : {}),
      ...(seen?.suppressed ? { alsoRejectedSinceLastLine: seen.suppressed } : {}),
    },
    'intake request rejected',
  );
}

/**
 * The same refusal as an HttpError, for handlers wrapped in logRejections (src/http/rejections.ts), so an
 * oversized intake request is logged like every other refused one; `route` answers it and closes the connection.
 */
export function capBody<Req extends IncomingMessage, Res>(
  limit: number,
  handler: (req: Req, res: Res) => Promise<void>,
): (req: Req, res: Res) => Promise<void> {
  return async (req, res) => {
    if (declaredTooLarge(req, limit)) throw new HttpError(413, `body is larger than the ${limit}-byte limit`);
    await handler(req, res);
  };
}
