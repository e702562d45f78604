// A channel or DM as Slack shows it: day dividers, messages with their blocks, files and thread replies, the
// current person's ephemeral messages, and a composer that sends messages and slash commands.
import { navigate, page, personOf, post, toast } from './api.js';
import { renderBlocks } from './blocks.js';
import { h } from './dom.js';
import { link, mrkdwn } from './mrkdwn.js';

const CREATE_TICKET_SHORTCUT = 'create_ticket_from_message';

export const tsDate = (ts) => new Date(Number(String(ts).split('.')[0]) * 1000);

const timeOf = (ts) => tsDate(ts).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
const dayOf = (ts) => tsDate(ts).toLocaleDateString([], { weekday: 'long', month: 'long', day: 'numeric' });

/** The block surface of a message: a click goes to Deskbell as a block_actions from that message. */
export function messageSurface(where) {
  const s = page.state;
  return {
    kind: 'message',
    people: s.people,
    channels: s.channels,
    choices: null,
    errors: null,
    act: (target) => post('act', { user: page.user, where, ...target }),
  };
}

function fileCard(f) {
  const url = `/sandbox/files/${encodeURIComponent(f.id)}`;
  if (f.image) {
    return h(
      'a',
      { class: 'file image', href: url, target: '_blank', rel: 'noopener' },
      h('img', { src: url, alt: f.alt ?? f.title }),
      h('span', { class: 'file-name' }, f.title),
    );
  }
  return h(
    'a',
    { class: 'file', href: url, target: '_blank', rel: 'noopener' },
    '📄 ',
    h('span', { class: 'file-name' }, f.title),
    h('span', { class: 'file-size' }, ` ${Math.ceil(f.size / 1024)} KB`),
  );
}

function author(m) {
  if (!m.user)
    return [
      h('span', { class: 'avatar bot' }, '🔔'),
      h('b', { class: 'author' }, 'Deskbell'),
      h('span', { class: 'app-badge' }, 'APP'),
    ];
  const p = personOf(m.user);
  const name = p?.real_name ?? m.user;
  return [h('span', { class: 'avatar', 'data-initial': name[0] }, name[0]), h('b', { class: 'author' }, name)];
}

/** One message; `where` says how a click on its controls is reported. */
export function message(m, { channel, inThread = false, ephemeral = false } = {}) {
  const where = ephemeral ? { type: 'ephemeral', channel, ts: m.ts } : { type: 'message', channel, ts: m.ts };
  const body = m.blocks?.length ? renderBlocks(m.blocks, messageSurface(where)) : mrkdwn(m.text);
  const actions =
    !ephemeral &&
    h(
      'div',
      { class: 'message-actions' },
      !inThread &&
        h(
          'button',
          {
            type: 'button',
            class: 'message-action',
            title: 'Reply in thread',
            onclick: () => navigate({ thread: m.ts }),
          },
          '💬',
        ),
      m.user &&
        h(
          'button',
          {
            type: 'button',
            title: 'More actions: Create support ticket',
            class: 'message-action shortcut',
            onclick: () => shortcut(channel, m.ts),
          },
          '🎫',
        ),
    );
  return h(
    'div',
    { class: `message${ephemeral ? ' ephemeral' : ''}${page.highlight === m.ts ? ' highlight' : ''}`, 'data-ts': m.ts },
    h(
      'div',
      { class: 'message-head' },
      author(m),
      h('time', { title: tsDate(m.ts).toString() }, timeOf(m.ts)),
      m.pinned && h('span', { class: 'pinned' }, '📌 Pinned'),
    ),
    ephemeral && h('div', { class: 'only-you' }, '👁 Only visible to you'),
    h('div', { class: 'message-body' }, body),
    m.files?.length > 0 && h('div', { class: 'files' }, m.files.map(fileCard)),
    !inThread &&
      m.replies > 0 &&
      h(
        'button',
        { type: 'button', class: 'replies', onclick: () => navigate({ thread: m.ts }) },
        `${m.replies} ${m.replies === 1 ? 'reply' : 'replies'}`,
        m.lastReply && h('span', { class: 'last-reply' }, ` · last ${timeOf(m.lastReply)}`),
      ),
    actions,
  );
}

async function shortcut(channel, ts) {
  await post('shortcut', { user: page.user, channel, ts, callbackId: CREATE_TICKET_SHORTCUT });
}

/** Top-level messages and ephemerals in time order, with a divider where the day changes. */
function timeline(conversation) {
  const items = [
    ...conversation.messages.map((m) => ({ m, ephemeral: false })),
    ...conversation.ephemerals.map((m) => ({ m, ephemeral: true })),
  ].sort((a, b) => Number(a.m.ts) - Number(b.m.ts));
  const out = [];
  let day = '';
  for (const { m, ephemeral } of items) {
    const d = dayOf(m.ts);
    if (d !== day) out.push(h('div', { class: 'day' }, h('span', null, (day = d))));
    out.push(message(m, { channel: conversation.id, ephemeral }));
  }
  return out;
}

export function composer(channel, placeholder, threadTs) {
  const input = h('textarea', { class: 'composer-input', rows: 1, placeholder, 'aria-label': placeholder });
  const send = async () => {
    const text = input.value.trim();
    if (!text) return;
    const command = /^(\/support-report|\/support)(?:\s+([\s\S]*))?$/.exec(text);
    if (text.startsWith('/') && !command) return toast('The sandbox knows /support and /support-report.', 'error');
    input.value = '';
    if (command)
      await post('command', { user: page.user, channel, command: command[1], text: (command[2] ?? '').trim() });
    else await post('say', { user: page.user, channel, text, ...(threadTs ? { threadTs } : {}) });
  };
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey) {
      ev.preventDefault();
      void send();
    }
  });
  return h('div', { class: 'composer' }, input, h('button', { type: 'button', class: 'send', onclick: send }, 'Send'));
}

export function conversationHeader(c) {
  const icon = c.dm ? '🔔' : c.private ? '🔒' : '#';
  return h(
    'header',
    { class: 'pane-header' },
    h('h1', null, `${icon} ${c.name}`),
    c.topic && h('div', { class: 'topic' }, mrkdwn(c.topic)),
    c.bookmarks.length > 0 &&
      h(
        'div',
        { class: 'bookmarks' },
        c.bookmarks.map((b) => link(b.link, `🔖 ${b.title}`)),
      ),
  );
}

export function messageList(c) {
  if (!c.known) return h('div', { class: 'empty' }, 'You cannot see this conversation.');
  if (!c.messages.length && !c.ephemerals.length) return h('div', { class: 'empty' }, 'No messages yet.');
  return h('div', { class: 'messages' }, timeline(c));
}

export function threadPane(state) {
  const t = state.thread;
  if (!t) return null;
  const channel = state.conversation.id;
  return h(
    'aside',
    { class: 'thread' },
    h(
      'header',
      { class: 'pane-header' },
      h('h2', null, 'Thread'),
      h(
        'button',
        { type: 'button', class: 'close', 'aria-label': 'Close thread', onclick: () => navigate({ thread: null }) },
        '×',
      ),
    ),
    h(
      'div',
      { class: 'messages' },
      message(t.parent, { channel, inThread: true }),
      h('div', { class: 'reply-count' }, `${t.replies.length} ${t.replies.length === 1 ? 'reply' : 'replies'}`),
      t.replies.map((m) => message(m, { channel, inThread: true })),
    ),
    composer(channel, 'Reply…', t.ts),
  );
}
