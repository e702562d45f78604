/**
 * Requester text is shown, never executed: `<!channel>`, `<@U123>` and links are neutralised by escaping
 * `&`, `<`, `>`, and bare `@channel` / `@here` / `@everyone` get a zero-width joiner so Slack does not
 * turn them into pings.
 */
export function escapeMrkdwn(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@(channel|here|everyone)\b/gi, '@\u2060$1');
}

/** Cuts to `max` characters with a visible ellipsis. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}

/** Plain-text fields (headers, button labels, option text) are not parsed for mentions, but still have limits. */
export function plain(text: string, max: number): { type: 'plain_text'; text: string; emoji: true } {
  return { type: 'plain_text', text: truncate(text.replace(/\s+/g, ' ').trim() || ' ', max), emoji: true };
}

export function mrkdwn(text: string, max = 3000): { type: 'mrkdwn'; text: string } {
  return { type: 'mrkdwn', text: truncate(text, max) };
}

/** Escaped requester text, cut to `max` characters after escaping so the limit holds. */
export function safe(text: string | null | undefined, max: number): string {
  return truncate(escapeMrkdwn(text ?? ''), max);
}

/** "Name (email)", or the address alone; both escaped (they are requester text). */
export function requesterText(
  r: { name?: string | null; email?: string | null } | null | undefined,
  missingEmail?: string,
): string {
  return r?.name ? `${safe(r.name, 100)} (${safe(r.email, 200)})` : safe(r?.email ?? missingEmail, 200);
}

export function userMention(id: string | null | undefined): string {
  return id && /^[UW][A-Z0-9]+$/.test(id) ? `<@${id}>` : '_nobody_';
}

export function usergroupMention(id: string | undefined): string {
  return id ? `<!subteam^${id}>` : '';
}

/** Slack's date formatting: shown in each reader's own time zone, with a plain fallback. */
export function slackDate(date: Date, format = '{date_short_pretty} {time}'): string {
  return `<!date^${Math.floor(date.getTime() / 1000)}^${format}|${date.toISOString().replace('T', ' ').slice(0, 16)} UTC>`;
}

export const LIMITS = {
  header: 150,
  section: 3000,
  button: 75,
  modalTitle: 24,
  option: 75,
  blocks: 50,
  metadata: 3000,
  fallback: 3000,
} as const;
