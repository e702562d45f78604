import { createHash, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { AppContext } from '../context.js';
import { HOUR_MS, takeRate } from '../db/rate-limit.js';
import { normalisedAddress } from '../domain/mail-address.js';
import { DeferredMailError, receiveMail, UnusableMailError } from '../intake/email.js';
import { postmarkInboundSchema, postmarkToMail } from '../intake/email-postmark.js';
import { authFromPostmark } from '../intake/email-verify.js';
import { fieldErrors } from '../intake/webhook.js';
import { HttpError, parseJsonBody, readBody, sendJson, type RoutedRequest } from './respond.js';

const REALM = 'Basic realm="Deskbell Postmark inbound", charset="UTF-8"';

/** Compares digests, so neither the length nor the content of the secret leaks through timing. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function authorised(header: string | undefined, user: string, password: string): boolean {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return false;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  // Both halves are always compared: no early exit that tells which one was wrong.
  const userOk = sameSecret(decoded.slice(0, colon), user);
  const passwordOk = sameSecret(decoded.slice(colon + 1), password);
  return userOk && passwordOk;
}

/**
 * POST /intake/email/postmark: Postmark's inbound webhook (for teams whose provider forwards mail to
 * Postmark). Checks run before anything is written: configured (404), basic auth (401), size (413),
 * JSON (415), fields (400), the sender's hourly limit (429). Every success is 200, as Postmark retries anything else (and stops on 403).
 */
export function postmarkIntakeHandler(ctx: AppContext) {
  const { POSTMARK_INBOUND_USER: user, POSTMARK_INBOUND_PASSWORD: password } = ctx.config;
  return async (req: RoutedRequest, res: ServerResponse): Promise<void> => {
    if (!user || !password) {
      req.resume();
      throw new HttpError(404, 'Postmark intake is disabled: set POSTMARK_INBOUND_USER and POSTMARK_INBOUND_PASSWORD');
    }
    if (!authorised(req.headers.authorization, user, password)) {
      req.resume();
      res.setHeader('WWW-Authenticate', REALM);
      throw new HttpError(401, 'wrong or missing credentials');
    }
    // Attachments arrive base64-encoded, as in the raw mail: the same limit as the SMTP listener's.
    const raw = await readBody(req, ctx.config.MAIL_MAX_BYTES);
    const parsed = postmarkInboundSchema.safeParse(parseJsonBody(req, raw));
    if (!parsed.success) throw new HttpError(400, 'invalid Postmark inbound message', fieldErrors(parsed.error));

    const mail = postmarkToMail(parsed.data);
    const limit = ctx.config.MAIL_MAX_PER_SENDER_PER_HOUR;
    const rate = await takeRate(
      ctx.models,
      `mail-sender:${normalisedAddress(mail.from.email)}`,
      limit,
      HOUR_MS,
      ctx.clock.now(),
    );
    if (!rate.allowed) {
      res.setHeader('Retry-After', String(Math.max(1, Math.ceil(rate.retryAfterMs / 1000))));
      throw new HttpError(429, 'too many messages from this sender; try again later');
    }
    mail.auth = authFromPostmark(mail, ctx.config.MAIL_AUTHSERV_ID);
    try {
      const outcome = await receiveMail(ctx, mail);
      sendJson(res, 200, { ticket: outcome.ticket.key, id: outcome.ticket.id, outcome: outcome.kind });
    } catch (err) {
      if (err instanceof UnusableMailError) throw new HttpError(400, err.message);
      if (err instanceof DeferredMailError) {
        res.setHeader('Retry-After', String(err.retryAfterSeconds));
        throw new HttpError(429, err.message);
      }
      throw err;
    }
  };
}
