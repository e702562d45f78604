import { createRequire } from 'node:module';

/**
 * Whether a mail's From address is authenticated: a DMARC pass, or an SPF or DKIM pass for a domain aligned
 * with the From domain (a pass for the sender's own unrelated domain proves nothing about From). Where the
 * results come from is decided by the transport (src/intake/email-verify.ts): Deskbell's own check of the
 * SMTP session, the receiving MX's `Authentication-Results` carrying MAIL_AUTHSERV_ID, or Postmark's own
 * fields. Results a sender wrote into the message themselves never count.
 */
export interface SenderAuth {
  /** `pass`: From is authenticated; `fail`: a check failed; `none`: nothing conclusive. */
  status: 'pass' | 'fail' | 'none';
  /** Whether any trusted side said anything at all. */
  present: boolean;
  /** For logs and the card: e.g. `dmarc=fail spf=softfail`. */
  detail: string;
}

export const NO_AUTH: SenderAuth = { status: 'none', present: false, detail: '' };

export interface AuthResult {
  method: 'spf' | 'dkim' | 'dmarc';
  result: string;
  /** The domain the result is about (SPF: MAIL FROM's, DKIM: the signing domain); for alignment. */
  domain?: string;
}

const FAILED = new Set(['fail', 'softfail', 'permerror']);

// mailauth's own alignment rule (organisational domains from the public suffix list), untyped upstream.
const { getAlignment } = createRequire(import.meta.url)('mailauth/lib/tools.js') as {
  getAlignment: (fromDomain: string, domains: string[]) => { domain: string } | false | undefined;
};

/** Relaxed DMARC alignment: both domains share an organisational domain. */
export function aligned(fromDomain: string, domain: string | undefined): boolean {
  return !!domain && !!fromDomain && !!getAlignment(fromDomain.toLowerCase(), [domain.toLowerCase()]);
}

/** The verdict on a set of trusted results for a mail from `fromDomain`. */
export function judge(results: AuthResult[], fromDomain: string): SenderAuth {
  if (!results.length) return NO_AUTH;
  const detail = results.map((r) => `${r.method}=${r.result}`).join(' ');
  const of = (method: AuthResult['method']) => results.filter((r) => r.method === method);
  if (of('dmarc').some((r) => r.result === 'fail')) return { status: 'fail', present: true, detail };
  if (of('dmarc').some((r) => r.result === 'pass')) return { status: 'pass', present: true, detail };
  const spfDkim = [...of('spf'), ...of('dkim')];
  if (spfDkim.some((r) => r.result === 'pass' && aligned(fromDomain, r.domain))) {
    return { status: 'pass', present: true, detail };
  }
  if (spfDkim.some((r) => FAILED.has(r.result))) return { status: 'fail', present: true, detail };
  return { status: 'none', present: true, detail };
}

const PROPERTY = /\b(smtp\.mailfrom|header\.d|header\.i|header\.from)\s*=\s*"?([^\s;"]+)/gi;

/** The results of one `Authentication-Results` value (RFC 8601), with the domain each one is about. */
export function parseAuthResults(value: string): { authservId: string; results: AuthResult[] } {
  const [head = '', ...parts] = value.split(';');
  const authservId = head.trim().split(/\s+/)[0]!.toLowerCase();
  const results: AuthResult[] = [];
  for (const part of parts) {
    const m = /^\s*(spf|dkim|dmarc)\s*=\s*([a-z]+)/i.exec(part);
    if (!m) continue;
    const props = Object.fromEntries([...part.matchAll(PROPERTY)].map((p) => [p[1]!.toLowerCase(), p[2]!]));
    const domainOf = (v: string | undefined) => v?.split('@').pop()?.toLowerCase();
    const method = m[1]!.toLowerCase() as AuthResult['method'];
    const domain =
      method === 'spf' ? domainOf(props['smtp.mailfrom']) : domainOf(props['header.d'] ?? props['header.i']);
    results.push({ method, result: m[2]!.toLowerCase(), ...(domain ? { domain } : {}) });
  }
  return { authservId, results };
}

/**
 * The results of the topmost `Authentication-Results` carrying `authservId`: RFC 8601 §5 has the border MX
 * remove any header claiming its id that arrives from outside, so only one it wrote itself can carry it.
 */
export function trustedAuthResults(values: readonly string[], authservId: string): AuthResult[] {
  const id = authservId.toLowerCase();
  return values.map(parseAuthResults).find((ar) => ar.authservId === id)?.results ?? [];
}

/** A `Received-SPF` value (RFC 7208 §9.1) as a result about its envelope-from domain. */
export function parseReceivedSpf(value: string | undefined): AuthResult[] {
  const m = /^\s*(pass|fail|softfail|neutral|none|temperror|permerror)\b/i.exec(value ?? '');
  if (!m) return [];
  const from = /envelope-from=["<]?([^\s;">]+)/i.exec(value!)?.[1]?.split('@').pop()?.toLowerCase();
  return [{ method: 'spf', result: m[1]!.toLowerCase(), ...(from ? { domain: from } : {}) }];
}
