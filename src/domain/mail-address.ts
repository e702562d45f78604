/**
 * One plain mailbox (RFC 5322 dot-atom local part, a DNS domain), and nothing a mail library could read as
 * several: `junk,ceo@victim.example` or `a@x <b@y>` are refused rather than guessed at. Quoted local parts
 * are refused too: they are vanishingly rare and easy to abuse.
 */
const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const MAILBOX = new RegExp(`^${ATOM}(?:\\.${ATOM})*@(?:${LABEL}\\.)+${LABEL}$`);

export function isMailbox(address: string): boolean {
  return address.length <= 254 && MAILBOX.test(address);
}

const DOTLESS_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

/**
 * The address as one person's mailbox, for counting: lower case, without a `+tag` (and without dots for
 * providers that ignore them), so `Ceo+1@Victim.example` and `ceo@victim.example` share one limit.
 */
export function normalisedAddress(address: string): string {
  const [local = '', domain = ''] = address.trim().toLowerCase().split('@');
  const base = local.split('+')[0]!;
  return `${DOTLESS_DOMAINS.has(domain) ? base.replace(/\./g, '') : base}@${domain}`;
}
