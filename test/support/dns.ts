import type { DnsResolver } from '../../src/intake/email-verify.js';

/** Where test mail comes from: every test sends from this machine. */
export const TEST_SENDER_SPF = 'v=spf1 ip4:127.0.0.1 ip6:::1 -all';

/**
 * A DNS stand-in for the SMTP listener's own SPF/DKIM/DMARC check: TXT records by name, and for any other
 * domain an SPF record that authorises this machine (a test's mail is then authenticated as a well-run
 * domain's would be). Names a test lists with no records answer "no such name", as DNS does.
 */
export function stubResolver(records: Record<string, string[]> = {}): DnsResolver {
  return async (name, rrtype) => {
    const key = name.toLowerCase().replace(/\.$/, '');
    if (rrtype === 'TXT' && key in records && records[key]!.length) return records[key]!.map((r) => [r]);
    const special = key.startsWith('_dmarc.') || key.includes('._domainkey.') || key in records;
    if (rrtype === 'TXT' && !special) return [[TEST_SENDER_SPF]];
    throw Object.assign(new Error(`query${rrtype} ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
  };
}
