// The requesters' side: the mail Deskbell sent them, a reply "as the requester" through Deskbell's own SMTP
// listener, a new-ticket form (by mail or by signed webhook), and the files shared in Slack.
import { navigate, page, post, toast } from './api.js';
import { h } from './dom.js';
import { link } from './mrkdwn.js';

/** Plain text with its web addresses as links (the survey link in a resolution mail). */
function linked(text) {
  return text.split(/(https?:\/\/[^\s<>"]+)/g).map((part, i) => (i % 2 === 1 ? link(part, part) : part));
}

const when = (iso) => (iso ? new Date(iso).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' }) : '');

export function mailbox(mails) {
  const selected = mails.find((m) => m.id === page.mail) ?? mails[0];
  const list = h(
    'ul',
    { class: 'mail-list' },
    mails.map((m) =>
      h(
        'li',
        { 'data-mail-id': m.id },
        h(
          'button',
          {
            type: 'button',
            class: m === selected ? 'mail-item selected' : 'mail-item',
            onclick: () => navigate({ mail: m.id }),
          },
          h('b', null, m.to),
          h('span', { class: 'subject' }, m.subject),
          h('time', null, when(m.date)),
        ),
      ),
    ),
  );
  if (!selected)
    return h(
      'div',
      { class: 'mailbox' },
      h(
        'div',
        { class: 'empty' },
        'Deskbell has not sent any mail yet. Send a ticket by mail to get an acknowledgement.',
      ),
    );
  const reply = h('textarea', {
    class: 'reply-text',
    rows: 5,
    placeholder: 'Write as the requester…',
    'aria-label': 'Reply as the requester',
  });
  const send = async () => {
    if (!reply.value.trim()) return;
    const answer = await post('reply-mail', { mailId: selected.id, text: reply.value });
    if (answer) {
      reply.value = '';
      toast("Sent to Deskbell's SMTP listener as the requester.");
    }
  };
  return h(
    'div',
    { class: 'mailbox' },
    list,
    h(
      'article',
      { class: 'mail' },
      h('h2', null, selected.subject),
      h(
        'dl',
        null,
        h('dt', null, 'From'),
        h('dd', null, selected.from),
        h('dt', null, 'To'),
        h('dd', null, selected.to),
        h('dt', null, 'Date'),
        h('dd', null, when(selected.date)),
      ),
      h('pre', { class: 'mail-body' }, linked(selected.text)),
      h(
        'div',
        { class: 'mail-reply' },
        h('h3', null, `Reply as ${selected.to}`),
        reply,
        h('button', { type: 'button', class: 'bk-button primary', onclick: send }, 'Send reply'),
      ),
    ),
  );
}

const field = (label, control) => h('label', { class: 'form-field' }, h('span', null, label), control);

export function newTicketForm() {
  const via = h(
    'select',
    { name: 'via' },
    h('option', { value: 'email' }, 'Email to the support address (SMTP listener)'),
    h('option', { value: 'webhook' }, 'Signed webhook (/intake/webhook)'),
  );
  const name = h('input', { name: 'name', value: 'Ada Lovelace' });
  const email = h('input', { name: 'email', type: 'email', value: 'ada@example.com', required: true });
  const subject = h('input', { name: 'subject', required: true, placeholder: 'Checkout returns 500 for every order' });
  const body = h('textarea', { name: 'body', rows: 6, placeholder: 'What happened, when, for whom…' });
  const priority = h(
    'select',
    { name: 'priority' },
    h('option', { value: '' }, 'let Deskbell suggest'),
    ['P0', 'P1', 'P2', 'P3'].map((p) => h('option', { value: p }, p)),
  );
  const webhookOnly = h(
    'div',
    { class: 'webhook-only', hidden: true },
    field('Priority (a P0 from a webhook declares an incident)', priority),
  );
  via.addEventListener('change', () => (webhookOnly.hidden = via.value !== 'webhook'));
  const submit = async (ev) => {
    ev.preventDefault();
    const ticket = {
      via: via.value,
      email: email.value,
      subject: subject.value,
      body: body.value,
      ...(name.value.trim() ? { name: name.value } : {}),
    };
    if (via.value === 'webhook' && priority.value) ticket.priority = priority.value;
    const answer = await post('ticket', ticket);
    if (!answer) return;
    toast(answer.answer?.ticket ? `${answer.answer.ticket} created` : 'Sent: the card appears in #support');
    subject.value = '';
    body.value = '';
    navigate({
      view: 'channel',
      channel: page.state.conversation.id.startsWith('D') ? 'C0SUPPORT' : page.channel,
      thread: null,
    });
  };
  return h(
    'form',
    { class: 'new-ticket', onsubmit: submit },
    h('h1', null, 'New ticket'),
    h(
      'p',
      null,
      'Sent the way a customer or another system would: through Deskbell’s SMTP listener or its signed webhook.',
    ),
    field('Send by', via),
    field('Requester name', name),
    field('Requester email', email),
    field('Subject', subject),
    field('Message', body),
    webhookOnly,
    h('button', { type: 'submit', class: 'bk-button primary' }, 'Send ticket'),
  );
}

export function filesPane(files) {
  if (!files.length)
    return h(
      'div',
      { class: 'empty' },
      'No files shared yet. /support-report uploads charts and a CSV; an incident report is a file too.',
    );
  return h(
    'div',
    { class: 'files-pane' },
    h('h1', null, 'Files'),
    h(
      'ul',
      null,
      files.map((f) => {
        const url = `/sandbox/files/${encodeURIComponent(f.id)}`;
        return h(
          'li',
          null,
          f.image ? h('img', { src: url, alt: f.alt ?? f.title }) : '📄 ',
          h('a', { href: url, target: '_blank', rel: 'noopener' }, f.title),
          ` · ${Math.ceil(f.size / 1024)} KB`,
        );
      }),
    ),
  );
}
