// Slack's mrkdwn, drawn as Slack draws it: *bold*, _italic_, ~strike~, `code`, ```blocks```, > quotes, :emoji:,
// and the <…> forms (links, user, channel and user-group mentions, @here/@channel/@everyone, dates). The text is
// split into nodes; nothing is parsed as HTML. An unknown <!…> form is shown as such, never dropped.
import { h, safeHref } from './dom.js';

export const EMOJI = {
  alarm_clock: '⏰',
  arrow_double_up: '⏫',
  arrow_forward: '▶️',
  arrows_counterclockwise: '🔄',
  bar_chart: '📊',
  bell: '🔔',
  bust_in_silhouette: '👤',
  busts_in_silhouette: '👥',
  calendar: '📅',
  chart_with_upwards_trend: '📈',
  clipboard: '📋',
  crown: '👑',
  dart: '🎯',
  email: '📧',
  envelope: '✉️',
  envelope_with_arrow: '📩',
  eyes: '👀',
  fire: '🔥',
  grey_question: '❔',
  hammer_and_wrench: '🛠️',
  heavy_check_mark: '✔️',
  hourglass: '⌛',
  hourglass_flowing_sand: '⏳',
  inbox_tray: '📥',
  information_source: 'ℹ️',
  large_blue_circle: '🔵',
  large_green_circle: '🟢',
  large_orange_circle: '🟠',
  large_purple_circle: '🟣',
  large_yellow_circle: '🟡',
  leftwards_arrow_with_hook: '↩️',
  link: '🔗',
  lock: '🔒',
  mag: '🔍',
  mega: '📣',
  memo: '📝',
  new: '🆕',
  no_entry: '⛔',
  no_entry_sign: '🚫',
  page_facing_up: '📄',
  pager: '📟',
  paperclip: '📎',
  pause_button: '⏸️',
  pushpin: '📌',
  red_circle: '🔴',
  robot_face: '🤖',
  rotating_light: '🚨',
  scissors: '✂️',
  speech_balloon: '💬',
  star: '⭐',
  tada: '🎉',
  thumbsup: '👍',
  '+1': '👍',
  thunder_cloud_and_rain: '⛈️',
  ticket: '🎫',
  warning: '⚠️',
  wave: '👋',
  white_check_mark: '✅',
  white_circle: '⚪',
  x: '❌',
  zap: '⚡',
};

/** Names for ids, and what a click on a link does; set by the app once it knows the workspace. */
export const directory = {
  user: (id) => id,
  channel: (id) => id,
  group: (id) => id,
  /** Called for a click on any link; returns true when the page handled it (a Slack permalink). */
  follow: () => false,
};

const decode = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** A link that opens outside the page, or a Slack permalink the page opens itself. */
export function link(url, label) {
  const href = safeHref(url);
  if (!href) return document.createTextNode(label);
  return h(
    'a',
    {
      href,
      target: '_blank',
      rel: 'noopener noreferrer',
      onclick: (e) => {
        if (directory.follow(href)) e.preventDefault();
      },
    },
    label,
  );
}

const pill = (cls, text) => h('span', { class: `mention ${cls}` }, text);

function ORDINAL(n) {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  return `${n}${teen ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] ?? 'th')}`;
}

/** `<!date^seconds^format|fallback>` in the reader's time zone, as Slack writes it. */
export function slackDate(seconds, format) {
  const d = new Date(seconds * 1000);
  const fmt = (o) => new Intl.DateTimeFormat('en-US', o).format(d);
  const day = new Date(d).setHours(0, 0, 0, 0);
  const today = new Date().setHours(0, 0, 0, 0);
  const pretty =
    day === today ? 'today' : day === today - 86_400_000 ? 'yesterday' : day === today + 86_400_000 ? 'tomorrow' : null;
  const ago = () => {
    const minutes = Math.round((Date.now() - d.getTime()) / 60_000);
    const abs = Math.abs(minutes);
    const text =
      abs < 60
        ? `${abs} minute${abs === 1 ? '' : 's'}`
        : abs < 1440
          ? `${Math.round(abs / 60)} hours`
          : `${Math.round(abs / 1440)} days`;
    return minutes >= 0 ? `${text} ago` : `in ${text}`;
  };
  const parts = {
    date_num: `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`,
    date: `${fmt({ month: 'long' })} ${ORDINAL(d.getDate())}, ${d.getFullYear()}`,
    date_short: fmt({ month: 'short', day: 'numeric', year: 'numeric' }),
    date_long: `${fmt({ weekday: 'long' })}, ${fmt({ month: 'long' })} ${ORDINAL(d.getDate())}, ${d.getFullYear()}`,
    time: fmt({ hour: 'numeric', minute: '2-digit' }),
    time_secs: fmt({ hour: 'numeric', minute: '2-digit', second: '2-digit' }),
    ago: ago(),
  };
  parts.date_pretty = pretty ?? parts.date;
  parts.date_short_pretty = pretty ?? parts.date_short;
  parts.date_long_pretty = pretty ?? parts.date_long;
  return format.replace(/\{(\w+)\}/g, (whole, key) => parts[key] ?? whole);
}

/** One `<…>` form. */
function angle(inner) {
  const [target, ...rest] = inner.split('|');
  const label = rest.length ? decode(rest.join('|')) : undefined;
  if (target.startsWith('@')) return pill('user', `@${label ?? directory.user(target.slice(1))}`);
  if (target.startsWith('#')) {
    // A channel mention is a link to the channel, as on Slack.
    const id = target.slice(1);
    const a = link(`https://acme.slack.com/archives/${id}`, `#${label ?? directory.channel(id)}`);
    a.classList?.add('mention', 'channel');
    return a;
  }
  if (target.startsWith('!subteam^')) return pill('group', label ?? `@${directory.group(target.slice(9))}`);
  if (/^!(here|channel|everyone)$/.test(target)) return pill('broadcast', `@${target.slice(1)}`);
  if (target.startsWith('!date^')) {
    const [, seconds, format, url] = target.split('^');
    const text = slackDate(Number(seconds), format ?? '{date_short}');
    return url ? link(decode(url), text) : h('time', { class: 'date', title: label ?? '' }, text);
  }
  if (target.startsWith('!')) return h('span', { class: 'bk-unknown' }, `unknown mention <${decode(inner)}>`);
  const url = decode(target);
  return link(url, label ?? url.replace(/^mailto:/, ''));
}

const EDGE_BEFORE = String.raw`(?<=^|[\s([{"'“‘>~_*])`;
const EDGE_AFTER = String.raw`(?=$|[\s)\]}.,;:!?"'”’<~_*])`;
const INLINE = new RegExp(
  [
    String.raw`<([^<>\n]+)>`,
    String.raw`\`([^\`\n]+)\``,
    `${EDGE_BEFORE}\\*(?!\\s)([^*\\n]+?)(?<!\\s)\\*${EDGE_AFTER}`,
    `${EDGE_BEFORE}_(?!\\s)([^_\\n]+?)(?<!\\s)_${EDGE_AFTER}`,
    `${EDGE_BEFORE}~(?!\\s)([^~\\n]+?)(?<!\\s)~${EDGE_AFTER}`,
    ':([a-z0-9_+-]+):',
  ].join('|'),
);

/** Inline mrkdwn of one line or paragraph (no code blocks). */
export function inline(text, { emojiOnly = false } = {}) {
  const out = [];
  let rest = text;
  while (rest) {
    const m = emojiOnly ? /:([a-z0-9_+-]+):/.exec(rest) : INLINE.exec(rest);
    if (!m) break;
    if (m.index > 0) out.push(decode(rest.slice(0, m.index)));
    const [whole, angled, code, bold, italic, strike, emoji] = emojiOnly ? [m[0], ...Array(5), m[1]] : m;
    if (angled !== undefined) out.push(angle(angled));
    else if (code !== undefined) out.push(h('code', null, decode(code)));
    else if (bold !== undefined) out.push(h('b', null, inline(bold)));
    else if (italic !== undefined) out.push(h('i', null, inline(italic)));
    else if (strike !== undefined) out.push(h('s', null, inline(strike)));
    else out.push(EMOJI[emoji] ? h('span', { class: 'emoji', title: `:${emoji}:` }, EMOJI[emoji]) : decode(whole));
    rest = rest.slice(m.index + whole.length);
  }
  if (rest) out.push(decode(rest));
  return out;
}

/** A whole mrkdwn text: code blocks, quotes and lines. */
export function mrkdwn(text) {
  const out = [];
  const chunks = String(text ?? '').split(/```/);
  chunks.forEach((chunk, i) => {
    if (i % 2 === 1) {
      out.push(h('pre', { class: 'code' }, decode(chunk.replace(/^\n/, ''))));
      return;
    }
    const lines = chunk.split('\n');
    let quote = null;
    lines.forEach((line, n) => {
      const quoted = /^(&gt;|>)\s?(.*)$/.exec(line);
      if (quoted) {
        if (!quote) out.push((quote = h('blockquote')));
        else quote.append(h('br'));
        quote.append(...inline(quoted[2]).map((x) => (x instanceof Node ? x : document.createTextNode(x))));
        return;
      }
      quote = null;
      out.push(...inline(line));
      if (n < lines.length - 1) out.push(h('br'));
    });
  });
  return h('span', { class: 'mrkdwn' }, out);
}

/** A Block Kit text object: mrkdwn, or plain text with its :emoji: (when `emoji` is not false). */
export function textObject(t) {
  if (!t) return '';
  if (t.type === 'mrkdwn') return mrkdwn(t.text);
  if (t.type === 'plain_text')
    return h('span', { class: 'plain' }, t.emoji === false ? t.text : inline(t.text, { emojiOnly: true }));
  return h('span', { class: 'bk-unknown' }, `unknown text object: ${t.type}`);
}

/** A text object as a plain string (labels of <option>, alt texts). */
export function plainOf(t) {
  const s = String(t?.text ?? '');
  return t?.type === 'mrkdwn' ? decode(s) : s.replace(/:([a-z0-9_+-]+):/g, (w, name) => EMOJI[name] ?? w);
}
