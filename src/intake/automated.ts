/**
 * Whether an inbound mail was sent by a machine (auto-reply, bounce, mailing list, newsletter). Such mail
 * still becomes a ticket or joins one, but is never auto-acknowledged (RFC 3834: an auto-reply to an
 * auto-reply starts a mail loop) and never reopens a ticket (an out-of-office answer to our resolution
 * mail is not the requester saying "still broken").
 *
 * `headers` maps lower-case header names to their (first) value. `returnPath` is the envelope sender:
 * `''` (the null sender `<>`, used by bounces and auto-replies) counts as automatic, `undefined` means
 * the transport did not tell us.
 */
export function isAutomatedMail(
  headers: Readonly<Record<string, string>>,
  from: string,
  returnPath: string | undefined,
): boolean {
  return automationReason(headers, from, returnPath) !== undefined;
}

/** The first rule that marks the mail as automatic, for logs and the timeline; undefined for a person's mail. */
export function automationReason(
  headers: Readonly<Record<string, string>>,
  from: string,
  returnPath: string | undefined,
): string | undefined {
  const header = (name: string) => headers[name]?.trim();

  const autoSubmitted = header('auto-submitted');
  if (autoSubmitted && autoSubmitted.split(';')[0]!.trim().toLowerCase() !== 'no')
    return `Auto-Submitted: ${autoSubmitted}`;

  const precedence = header('precedence')?.toLowerCase();
  if (precedence && ['bulk', 'list', 'junk'].includes(precedence)) return `Precedence: ${precedence}`;

  const listHeader = Object.keys(headers).find((name) => name.startsWith('list-'));
  if (listHeader) return `${listHeader} header`;

  if (returnPath !== undefined && ['', '<>'].includes(returnPath.trim())) return 'empty return path';

  const local = (from.trim().toLowerCase().split('@')[0] ?? '').split('+')[0]!;
  if (/^(mailer-daemon|postmaster)$/.test(local) || /^(no[-_.]?reply|do[-_.]?not[-_.]?reply)/.test(local))
    return `sender ${from}`;

  // Outlook/Exchange and many autoresponders mark themselves with these instead of Auto-Submitted.
  if (header('x-autoreply') || header('x-autorespond')) return 'X-Autoreply header';
  const suppress = header('x-auto-response-suppress')?.toLowerCase();
  if (suppress && /\b(all|oof|autoreply)\b/.test(suppress)) return `X-Auto-Response-Suppress: ${suppress}`;
  if (/^multipart\/report\b/i.test(header('content-type') ?? '')) return 'delivery report';
  return undefined;
}
