/**
 * The war room's channel name: `inc-7-checkout-returns-500`. Slack allows lower case letters, digits,
 * hyphens and underscores, at most 80 characters; a taken name gets `-2`, `-3`… (the suffix is kept
 * within the limit).
 */
export function warRoomName(incidentNumber: number, subject: string, attempt = 1): string {
  const suffix = attempt > 1 ? `-${attempt}` : '';
  const base = `inc-${incidentNumber}`;
  const slug = subject
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const room = 80 - base.length - suffix.length - 1;
  const cut = slug.slice(0, room).replace(/-+$/g, '');
  return `${base}${cut ? `-${cut}` : ''}${suffix}`;
}
