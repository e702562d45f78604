import { Resolver } from 'node:dns/promises';
import { authenticate } from 'mailauth';
import {
  judge,
  NO_AUTH,
  parseReceivedSpf,
  trustedAuthResults,
  type AuthResult,
  type SenderAuth,
} from './email-auth.js';
import type { InboundMail } from './email-message.js';

/** Answers DNS questions for the checks: `(name, 'TXT')` → records. Tests pass their own. */
export type DnsResolver = (name: string, rrtype: string) => Promise<unknown>;

/** The system's resolver with bounded waits, so a silent DNS server cannot hold a mail for minutes. */
export function systemResolver(): DnsResolver {
  const resolver = new Resolver({ timeout: 3_000, tries: 2 });
  return (name, rrtype) => resolver.resolve(name, rrtype);
}

/** What the SMTP session itself says about the sending server (the sender cannot forge these). */
export interface SmtpSession {
  ip: string;
  helo: string;
  /** MAIL FROM, `''` for the null sender. */
  mailFrom: string;
}

const fromDomain = (mail: Pick<InboundMail, 'from'>) => mail.from.email.split('@').pop() ?? '';

/**
 * Deskbell's own SPF, DKIM and DMARC check of a mail received on its SMTP listener (mailauth: maintained,
 * MIT, the checks of a full MX). For a listener that faces the internet, or sits behind an MX that does not
 * write Authentication-Results. A check that cannot finish (DNS down) is inconclusive, never a pass.
 */
export async function verifySession(
  raw: Buffer,
  mail: Pick<InboundMail, 'from'>,
  session: SmtpSession,
  opts: { resolver: DnsResolver; mta: string },
): Promise<SenderAuth> {
  const result = await authenticate(raw, {
    ip: session.ip,
    helo: session.helo,
    sender: session.mailFrom,
    mta: opts.mta,
    resolver: opts.resolver as never,
    disableArc: true,
    disableBimi: true,
  });
  const results: AuthResult[] = [];
  if (result.dmarc) results.push({ method: 'dmarc', result: String(result.dmarc.status?.result ?? 'none') });
  if (result.spf) results.push({ method: 'spf', result: String(result.spf.status.result), domain: result.spf.domain });
  for (const sig of result.dkim?.results ?? []) {
    results.push({ method: 'dkim', result: String(sig.status.result), domain: sig.signingDomain });
  }
  return judge(results, fromDomain(mail));
}

/** Behind an MX: only its own Authentication-Results, recognised by MAIL_AUTHSERV_ID, counts. */
export function authFromMx(mail: InboundMail, authservId: string): SenderAuth {
  return judge(trustedAuthResults(mail.authenticationResults, authservId), fromDomain(mail));
}

/**
 * On Postmark: Postmark's own fields, which it puts first in the headers it posts: its `Received-SPF`, and
 * SpamAssassin's DKIM_VALID_AU (a valid signature of the From domain) in its `X-Spam-Tests`. An
 * Authentication-Results header counts only with MAIL_AUTHSERV_ID (a forwarding MX of the team's own).
 */
export function authFromPostmark(mail: InboundMail, authservId: string | undefined): SenderAuth {
  const results = [...parseReceivedSpf(mail.headers['received-spf'])];
  const tests = (mail.headers['x-spam-tests'] ?? '').split(/[\s,]+/);
  if (tests.includes('DKIM_VALID_AU')) results.push({ method: 'dkim', result: 'pass', domain: fromDomain(mail) });
  if (authservId) results.push(...trustedAuthResults(mail.authenticationResults, authservId));
  return results.length ? judge(results, fromDomain(mail)) : NO_AUTH;
}
