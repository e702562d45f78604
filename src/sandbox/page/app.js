// The sandbox page: a workspace sidebar, the open conversation with its thread, App Home, the mailbox, a new-ticket
// form, the files, modals, a person switcher and a clock. It long-polls /sandbox/api/state and redraws what changed.
import { navigate, page, post, readLocation, toast, whenNavigating } from './api.js';
import { composer, conversationHeader, messageList, threadPane } from './conversation.js';
import { clear, h } from './dom.js';
import { filesPane, mailbox, newTicketForm } from './mail.js';
import { directory } from './mrkdwn.js';
import { homePane, modalLayer } from './views.js';

const root = document.getElementById('app');
const regions = {
  top: h('header', { class: 'topbar' }),
  side: h('nav', { class: 'sidebar', 'aria-label': 'Workspace' }),
  main: h('main', { class: 'main' }),
  thread: h('div', { class: 'thread-slot' }),
  modal: h('div', { class: 'modal-slot' }),
};
root.append(regions.top, h('div', { class: 'body' }, regions.side, regions.main, regions.thread), regions.modal);

/** What each region was last drawn from: unchanged input leaves the region (and what is being typed) alone. */
const drawn = new Map();
/** A conversation just opened starts at its end; later redraws keep the reader's place. */
let opened = true;

function region(name, key, draw) {
  const signature = JSON.stringify(key);
  if (drawn.get(name) === signature) return;
  drawn.set(name, signature);
  const node = regions[name];
  // A list scrolled to its end follows new messages; one scrolled up stays where the reader left it.
  const old = node.querySelector('.messages');
  const atEnd = opened || !old || old.scrollHeight - old.scrollTop - old.clientHeight < 40;
  const top = old?.scrollTop ?? 0;
  clear(node).append(...[draw()].flat().filter(Boolean));
  const list = node.querySelector('.messages');
  if (!list) return;
  const marked = name === 'main' && page.highlight && list.querySelector(`[data-ts="${CSS.escape(page.highlight)}"]`);
  if (marked) marked.scrollIntoView({ block: 'center' });
  else list.scrollTop = atEnd ? list.scrollHeight : top;
}

// ---- top bar ---------------------------------------------------------------------------------------------

const STEPS = [
  ['+15 min', 15],
  ['+1 h', 60],
  ['+4 h', 240],
  ['+1 day', 1440],
];

const PASSED = 'SLA warnings, incident reminders, summaries';

function topBar(s) {
  const who = h(
    'select',
    { class: 'user-switch', 'aria-label': 'Act as', onchange: (ev) => switchUser(ev.target.value) },
    s.people.map((p) => h('option', { value: p.id, selected: p.id === page.user }, `${p.real_name} — ${p.title}`)),
  );
  const now = new Date(s.now);
  const clock = now.toLocaleString([], {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: s.timezone,
  });
  return [
    h('div', { class: 'brand' }, '🔔 Acme', h('span', { class: 'sandbox-badge' }, 'Deskbell sandbox')),
    h('label', { class: 'acting' }, 'Acting as ', who),
    s.busy && h('div', { class: 'busy', role: 'status' }, s.busy),
    h(
      'div',
      {
        class: 'clock',
        title: `Deskbell's clock (${s.timezone}); moving it runs what the time passed: ${PASSED}`,
      },
      h('span', { class: 'clock-now' }, `🕘 ${clock}`),
      STEPS.map(([label, minutes]) =>
        h(
          'button',
          { type: 'button', class: 'clock-step', disabled: !!s.busy, onclick: () => advance(minutes) },
          label,
        ),
      ),
    ),
  ];
}

async function advance(minutes) {
  const answer = await post('clock', { minutes });
  if (answer)
    toast(`Clock moved ${minutes >= 1440 ? `${minutes / 1440} day` : `${minutes} min`}: ran ${answer.ran.join(', ')}`);
}

function switchUser(user) {
  const visible = page.state.channels.some((c) => c.id === page.channel);
  navigate({
    user,
    thread: null,
    channel:
      visible || page.channel.startsWith('D')
        ? page.channel.startsWith('D')
          ? `D${user}`
          : page.channel
        : 'C0SUPPORT',
  });
}

// ---- sidebar ---------------------------------------------------------------------------------------------

function sideBar(s) {
  const item = (label, patch, active, extra = {}) =>
    h(
      'li',
      null,
      h(
        'button',
        {
          type: 'button',
          class: active ? 'nav-item active' : 'nav-item',
          onclick: () => navigate({ thread: null, ...patch }),
          ...extra,
        },
        label,
      ),
    );
  const channelActive = (id) => page.view === 'channel' && page.channel === id;
  return [
    h('h2', null, 'Channels'),
    h(
      'ul',
      null,
      s.channels.map((c) =>
        item(
          `${c.private ? '🔒' : '#'} ${c.name}${c.archived ? ' (archived)' : ''}`,
          { view: 'channel', channel: c.id },
          channelActive(c.id),
          { 'data-channel': c.name },
        ),
      ),
    ),
    h('h2', null, 'Deskbell'),
    h(
      'ul',
      null,
      item('🏠 Home', { view: 'home' }, page.view === 'home', { 'data-nav': 'home' }),
      item('💬 Messages', { view: 'channel', channel: `D${page.user}` }, channelActive(`D${page.user}`), {
        'data-nav': 'dm',
      }),
    ),
    h('h2', null, 'Requesters'),
    h(
      'ul',
      null,
      item(`✉️ Mailbox (${s.mails.length})`, { view: 'mail' }, page.view === 'mail', { 'data-nav': 'mail' }),
      item('➕ New ticket', { view: 'ticket' }, page.view === 'ticket', { 'data-nav': 'ticket' }),
      item(`📁 Files (${s.files.length})`, { view: 'files' }, page.view === 'files', { 'data-nav': 'files' }),
    ),
    h(
      'p',
      { class: 'hint' },
      'Type /support or /support-report in a channel. Mail to ',
      h('code', null, s.supportAddress),
      s.smtpPort ? ` (SMTP ${s.smtpPort})` : '',
      ' opens a ticket.',
    ),
  ];
}

// ---- main ------------------------------------------------------------------------------------------------

function mainPane(s) {
  if (page.view === 'home')
    return [h('header', { class: 'pane-header' }, h('h1', null, '🏠 Deskbell · Home')), homePane(s.home)];
  if (page.view === 'mail') return mailbox(s.mails);
  if (page.view === 'ticket') return newTicketForm();
  if (page.view === 'files') return filesPane(s.files);
  const c = s.conversation;
  const placeholder = c.dm ? 'Message Deskbell' : `Message #${c.name} — or /support, /support-report`;
  return [conversationHeader(c), messageList(c), c.known && composer(c.id, placeholder)];
}

function draw() {
  const s = page.state;
  if (!s) return;
  region('top', [s.people, s.now.slice(0, 16), s.busy, page.user, s.timezone], () => topBar(s));
  region('side', [s.channels, s.mails.length, s.files.length, page.view, page.channel, page.user, s.smtpPort], () =>
    sideBar(s),
  );
  const mainKey =
    page.view === 'channel'
      ? [s.conversation, s.people]
      : page.view === 'home'
        ? [s.home]
        : page.view === 'mail'
          ? [s.mails, page.mail]
          : page.view === 'files'
            ? [s.files]
            : ['form'];
  region('main', [page.view, page.user, page.highlight, mainKey], () => mainPane(s));
  region('thread', [page.view === 'channel' ? s.thread : null], () => (page.view === 'channel' ? threadPane(s) : null));
  region('modal', [s.modal?.id, s.modal?.hash, s.modal && page.errors.get(s.modal.id)], () =>
    modalLayer(s.modal, redrawModal),
  );
}

function redrawModal() {
  drawn.delete('modal');
  draw();
}

// ---- the long poll ---------------------------------------------------------------------------------------

let poll;

async function refresh(wait) {
  poll?.abort();
  const mine = (poll = new AbortController());
  const query = new URLSearchParams({ user: page.user });
  if (page.view === 'channel') query.set('channel', page.channel);
  if (page.thread && page.view === 'channel') query.set('thread', page.thread);
  if (wait && page.state) query.set('after', String(page.state.version));
  try {
    const res = await fetch(`/sandbox/api/state?${query}`, { signal: mine.signal });
    if (!res.ok) throw new Error(`state: HTTP ${res.status}`);
    page.state = await res.json();
    document.body.dataset.version = String(page.state.version);
    draw();
    opened = false;
  } catch (err) {
    if (mine.signal.aborted) return;
    regions.top.dataset.offline = 'true';
    await new Promise((r) => setTimeout(r, 1000));
    console.warn(err);
  }
  if (poll === mine) void refresh(true);
}

/** Slack permalinks and channel links (https://acme.slack.com/archives/C…/p…) open inside the page. */
directory.follow = (href) => {
  const m = /^https:\/\/acme\.slack\.com\/archives\/([A-Z0-9]+)(?:\/p(\d{7,}))?/.exec(href);
  if (!m) return false;
  const ts = m[2] ? `${m[2].slice(0, -6)}.${m[2].slice(-6)}` : null;
  navigate({ view: 'channel', channel: m[1], thread: null, highlight: ts });
  return true;
};
directory.user = (id) => page.state?.people.find((p) => p.id === id)?.real_name ?? (id === 'UBOT' ? 'Deskbell' : id);
// A private channel the reader is not in shows as such, as on Slack.
directory.channel = (id) =>
  page.state?.channels.find((c) => c.id === id)?.name ?? (id.startsWith('G') ? 'private-channel' : id);
directory.group = (id) =>
  ({
    S0TEAM: 'support-team',
    S0LEADS: 'support-leads',
    S0ENG: 'engineering',
    S0TECHLEAD: 'tech-leads',
    S0MGMT: 'management',
    S0ONCALL: 'on-call',
  })[id] ?? id;

let lastHome = '';
whenNavigating(() => {
  drawn.clear();
  opened = true;
  if (page.view === 'home' && lastHome !== page.user) void post('home', { user: page.user });
  lastHome = page.view === 'home' ? page.user : '';
  void refresh(false);
});

readLocation();
navigate({});
