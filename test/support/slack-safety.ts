/**
 * Requester text that tries every trick Slack's mrkdwn allows: broadcasts, a user, channel and group mention,
 * links, an entity and a bare @here. Tests put it in subjects, bodies and names; `unsafeTexts` finds any of it
 * that reached Slack unescaped.
 */
export const HOSTILE = [
  'R&D <!channel> <!here> <@UHOSTILE1> <#CHOSTILE1> <!subteam^SHOSTILE1>',
  '<https://evil.example/x|click> <mailto:a@evil.example|mail> @here',
].join(' ');

/**
 * What in one string would ping, mention or link on a requester's behalf. Without markers: a broadcast
 * Deskbell never sends (`<!here>`, `<!everyone>`, a bare `@here` or `@everyone`), and `<!channel>` anywhere but
 * at the head of the P0 alert. With HOSTILE's markers: its mentions and links in `<…>` form (not as the escaped
 * label of one of Deskbell's own links), and its `&` unescaped.
 */
const RAW = [
  /<!(?:channel|here|everyone)\b[^>]*>/g,
  /<(?:@|#|!subteam\^)[A-Z]HOSTILE1[^>]*>/g,
  /<(?:https?|mailto):[^<>|]*evil\.example[^<>]*>/g,
  /(?<![\w\u2060])@(?:here|everyone)\b/g,
  /R&D/g,
];

function unsafeIn(text: string): string[] {
  // The one broadcast Deskbell sends itself: the P0 alert in #support opens with it.
  const rest = text.replace(/^<!channel> :rotating_light: /, '');
  return RAW.flatMap((re) => [...rest.matchAll(re)].map((m) => m[0]));
}

/**
 * The strings of a Web API call that Slack parses for mentions and links: `text` (a message's own, or its
 * notification fallback), a topic, a file's comment, and every `mrkdwn` object in blocks and views.
 * `plain_text` objects are shown as typed and are not looked at.
 */
export function parsedTexts(args: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const key of ['text', 'topic', 'purpose', 'initial_comment']) {
    if (typeof args[key] === 'string') out.push(args[key]);
  }
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const item of v) walk(item);
      return;
    }
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (o.type === 'mrkdwn' && typeof o.text === 'string') out.push(o.text);
    Object.values(o).forEach(walk);
  };
  walk([args.blocks, args.attachments, args.view]);
  return out;
}

export interface UnsafeText {
  method: string;
  found: string[];
  text: string;
}

/** Every unescaped mention or link of one call (empty when it is safe). */
export function unsafeTexts(call: { method: string; args: Record<string, unknown> }): UnsafeText[] {
  return parsedTexts(call.args)
    .map((text) => ({ method: call.method, found: unsafeIn(text), text: text.slice(0, 300) }))
    .filter((u) => u.found.length > 0);
}
