/**
 * What the receiving side says about a mail's sender authentication. Deskbell checks no SPF, DKIM or
 * DMARC itself: the MX in front of the SMTP listener does and adds `Authentication-Results` (RFC 8601) at
 * the top of the header; Postmark adds `Received-SPF` and `Authentication-Results` to the headers it posts.
 * Only the topmost `Authentication-Results` counts (a sender can write their own further down), and with
 * MAIL_AUTHSERV_ID set only when it comes from that server.
 */
export interface SenderAuth {
  /** `pass`: DMARC (or, without it, SPF or DKIM) passed; `fail`: it failed; `none`: nothing said or inconclusive. */
  status: 'pass' | 'fail' | 'none';
  /** Whether the receiving side said anything at all (a present but inconclusive result is not a pass). */
  present: boolean;
  /** For logs and the card: e.g. `dmarc=fail spf=softfail`. */
  detail: string;
}

const FAILED = new Set(['fail', 'softfail', 'permerror']);

/** Reads the results out of a mail's header map (lower-case names, first value). */
export function senderAuth(headers: Record<string, string>, authservId?: string): SenderAuth {
  const results: Array<[method: string, result: string]> = [];
  const ar = headers['authentication-results'];
  if (ar) {
    const id = ar.split(';')[0]!.trim().split(/\s+/)[0]!.toLowerCase();
    if (!authservId || id === authservId.toLowerCase()) {
      for (const m of ar.matchAll(/\b(spf|dkim|dmarc)\s*=\s*([a-z]+)/gi)) results.push([m[1]!.toLowerCase(), m[2]!.toLowerCase()]);
    }
  }
  const receivedSpf = /^\s*(pass|fail|softfail|neutral|none|temperror|permerror)\b/i.exec(headers['received-spf'] ?? '');
  if (receivedSpf && !results.some(([method]) => method === 'spf')) results.push(['spf', receivedSpf[1]!.toLowerCase()]);

  const detail = results.map(([method, result]) => `${method}=${result}`).join(' ');
  if (!results.length) return { status: 'none', present: false, detail: '' };
  const of = (method: string) => results.filter(([m]) => m === method).map(([, r]) => r);
  const dmarc = of('dmarc');
  if (dmarc.includes('fail')) return { status: 'fail', present: true, detail };
  if (dmarc.includes('pass')) return { status: 'pass', present: true, detail };
  if ([...of('spf'), ...of('dkim')].includes('pass')) return { status: 'pass', present: true, detail };
  if ([...of('spf'), ...of('dkim')].some((r) => FAILED.has(r))) return { status: 'fail', present: true, detail };
  return { status: 'none', present: true, detail };
}
