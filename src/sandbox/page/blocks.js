// Block Kit drawn as Slack draws it, for every block and element Deskbell sends (and the rest of the common set).
// A block or element this file does not know is drawn as a visible "unknown" placeholder (class bk-unknown), never
// left out: the browser test fails on one.
import { h, safeHref } from './dom.js';
import { confirmDialog } from './confirm.js';
import { directory, EMOJI, inline, link, plainOf, slackDate, textObject } from './mrkdwn.js';

/**
 * `surface`: { kind: 'message' | 'modal' | 'home', people, channels, choices (view inputs, by block then action id),
 * errors (by block id), act(target) } — act receives { blockId, actionId, choice } for a click or a choice
 * Slack would send at once; inputs of a view only change `choices` until the form is submitted.
 */
export function renderBlocks(blocks, surface) {
  return h(
    'div',
    { class: `blocks blocks-${surface.kind}` },
    (blocks ?? []).map((b) => block(b, surface)),
  );
}

function block(b, s) {
  const draw = BLOCKS[b?.type];
  const node = draw ? draw(b, s) : unknown('block', b?.type);
  if (b?.block_id) node.dataset.blockId = b.block_id;
  return node;
}

const unknown = (what, type) => h('div', { class: 'bk-unknown' }, `unknown ${what}: ${type}`);

const BLOCKS = {
  header: (b) => h('div', { class: 'bk-header' }, textObject(b.text)),
  divider: () => h('hr', { class: 'bk-divider' }),
  section: (b, s) =>
    h(
      'div',
      { class: 'bk-section' },
      h(
        'div',
        { class: 'bk-section-body' },
        b.text && h('div', { class: 'bk-section-text' }, textObject(b.text)),
        b.fields &&
          h(
            'div',
            { class: 'bk-fields' },
            b.fields.map((f) => h('div', { class: 'bk-field' }, textObject(f))),
          ),
      ),
      b.accessory && h('div', { class: 'bk-accessory' }, element(b.accessory, b, s, true)),
    ),
  context: (b) =>
    h(
      'div',
      { class: 'bk-context' },
      (b.elements ?? []).map((e) =>
        e.type === 'image'
          ? image(e, 'bk-context-image')
          : e.type === 'mrkdwn' || e.type === 'plain_text'
            ? textObject(e)
            : unknown('context element', e.type),
      ),
    ),
  actions: (b, s) =>
    h(
      'div',
      { class: 'bk-actions' },
      (b.elements ?? []).map((e) => element(e, b, s, true)),
    ),
  image: (b) => h('figure', { class: 'bk-image' }, b.title && h('figcaption', null, textObject(b.title)), image(b)),
  input: (b, s) => {
    const error = s.errors?.[b.block_id];
    return h(
      'div',
      { class: `bk-input${error ? ' has-error' : ''}` },
      h(
        'label',
        { class: 'bk-label' },
        textObject(b.label),
        b.optional && h('span', { class: 'optional' }, ' (optional)'),
      ),
      element(b.element, b, s, !!b.dispatch_action),
      error && h('div', { class: 'bk-error', role: 'alert' }, error),
      b.hint && h('div', { class: 'bk-hint' }, textObject(b.hint)),
    );
  },
  rich_text: (b) => h('div', { class: 'bk-rich-text' }, (b.elements ?? []).map(richBlock)),
  file: (b) => h('div', { class: 'bk-file' }, `📄 remote file ${b.external_id ?? ''}`),
};

/** An image from an outside address is not fetched (the page loads nothing from elsewhere): its alt text stands in. */
function image(e, cls = 'bk-img') {
  const local = typeof e.image_url === 'string' && e.image_url.startsWith('/sandbox/');
  return local
    ? h('img', { class: cls, src: e.image_url, alt: e.alt_text ?? '' })
    : h('span', { class: `${cls} bk-img-remote`, title: e.image_url ?? '' }, `🖼 ${e.alt_text ?? 'image'}`);
}

// ---- rich text -------------------------------------------------------------------------------------------

function richBlock(r) {
  switch (r.type) {
    case 'rich_text_section':
      return h('div', { class: 'rt-section' }, (r.elements ?? []).map(richInline));
    case 'rich_text_list': {
      const items = (r.elements ?? []).map((item) => h('li', null, (item.elements ?? []).map(richInline)));
      return h(r.style === 'ordered' ? 'ol' : 'ul', { class: `rt-list indent-${r.indent ?? 0}` }, items);
    }
    case 'rich_text_quote':
      return h('blockquote', null, (r.elements ?? []).map(richInline));
    case 'rich_text_preformatted':
      return h('pre', { class: 'code' }, (r.elements ?? []).map(richInline));
    default:
      return unknown('rich text element', r.type);
  }
}

function richInline(e) {
  const styled = (node) => {
    const st = e.style ?? {};
    let out = node;
    if (st.code) out = h('code', null, out);
    if (st.bold) out = h('b', null, out);
    if (st.italic) out = h('i', null, out);
    if (st.strike) out = h('s', null, out);
    return out;
  };
  switch (e.type) {
    case 'text':
      return styled(document.createTextNode(e.text ?? ''));
    case 'link':
      return styled(link(e.url, e.text ?? e.url));
    case 'user':
      return inline(`<@${e.user_id}>`);
    case 'usergroup':
      return inline(`<!subteam^${e.usergroup_id}>`);
    case 'channel':
      return inline(`<#${e.channel_id}>`);
    case 'broadcast':
      return inline(`<!${e.range}>`);
    case 'emoji':
      return h('span', { class: 'emoji', title: `:${e.name}:` }, EMOJI[e.name] ?? `:${e.name}:`);
    case 'date':
      return h('time', { class: 'date' }, slackDate(e.timestamp, e.format ?? '{date_short}'));
    default:
      return unknown('rich text', e.type);
  }
}

// ---- elements --------------------------------------------------------------------------------------------

/** The value shown in an element: the person's choice so far, else its initial value. */
function current(e, b, s) {
  return s.choices?.[b.block_id]?.[e.action_id];
}

function choose(e, b, s, value, dispatch) {
  if (s.choices) {
    s.choices[b.block_id] ??= {};
    s.choices[b.block_id][e.action_id] = value;
  }
  if (dispatch) s.act({ blockId: b.block_id, actionId: e.action_id, choice: value });
}

const optionsOf = (e) => [...(e.options ?? []), ...(e.option_groups ?? []).flatMap((g) => g.options ?? [])];

function element(e, b, s, dispatch) {
  const draw = ELEMENTS[e?.type];
  const node = draw ? draw(e, b, s, dispatch) : unknown('element', e?.type);
  if (e?.action_id) node.dataset.actionId = e.action_id;
  return node;
}

const ELEMENTS = {
  button: (e, b, s) => {
    const press = async () => {
      if (e.confirm && !(await confirmDialog(e.confirm))) return;
      s.act({ blockId: b.block_id, actionId: e.action_id, choice: null });
    };
    const cls = `bk-button${e.style ? ` ${e.style}` : ''}`;
    const label = textObject(e.text);
    if (e.url)
      return h(
        'a',
        {
          class: cls,
          href: safeHref(e.url),
          target: '_blank',
          rel: 'noopener noreferrer',
          onclick: (ev) => linkButton(ev, e, press),
        },
        label,
      );
    return h('button', { class: cls, type: 'button', onclick: press }, label);
  },
  static_select: (e, b, s, dispatch) =>
    select(
      e,
      b,
      s,
      dispatch,
      optionsOf(e).map((o) => [o.value, plainOf(o.text)]),
      e.initial_option?.value,
    ),
  external_select: (e, b, s, dispatch) => select(e, b, s, dispatch, [], e.initial_option?.value),
  users_select: (e, b, s, dispatch) =>
    select(
      e,
      b,
      s,
      dispatch,
      s.people.map((p) => [p.id, p.real_name]),
      e.initial_user,
    ),
  conversations_select: (e, b, s, dispatch) =>
    select(
      e,
      b,
      s,
      dispatch,
      s.channels.map((c) => [c.id, `#${c.name}`]),
      e.initial_conversation,
    ),
  channels_select: (e, b, s, dispatch) =>
    select(
      e,
      b,
      s,
      dispatch,
      s.channels.map((c) => [c.id, `#${c.name}`]),
      e.initial_channel,
    ),
  multi_static_select: (e, b, s, dispatch) =>
    select(
      e,
      b,
      s,
      dispatch,
      optionsOf(e).map((o) => [o.value, plainOf(o.text)]),
      (e.initial_options ?? []).map((o) => o.value),
      true,
    ),
  multi_users_select: (e, b, s, dispatch) =>
    select(
      e,
      b,
      s,
      dispatch,
      s.people.map((p) => [p.id, p.real_name]),
      e.initial_users ?? [],
      true,
    ),
  multi_conversations_select: (e, b, s, dispatch) =>
    select(
      e,
      b,
      s,
      dispatch,
      s.channels.map((c) => [c.id, `#${c.name}`]),
      e.initial_conversations ?? [],
      true,
    ),
  multi_channels_select: (e, b, s, dispatch) =>
    select(
      e,
      b,
      s,
      dispatch,
      s.channels.map((c) => [c.id, `#${c.name}`]),
      e.initial_channels ?? [],
      true,
    ),
  overflow: (e, b, s) => overflow(e, b, s),
  checkboxes: (e, b, s, dispatch) => choices(e, b, s, dispatch, 'checkbox'),
  radio_buttons: (e, b, s, dispatch) => choices(e, b, s, dispatch, 'radio'),
  datepicker: (e, b, s, dispatch) => field(e, b, s, dispatch, { type: 'date' }, e.initial_date),
  timepicker: (e, b, s, dispatch) => field(e, b, s, dispatch, { type: 'time' }, e.initial_time),
  datetimepicker: (e, b, s, dispatch) => {
    const initial = e.initial_date_time ? localDateTime(e.initial_date_time) : undefined;
    const chosen = current(e, b, s);
    return h('input', {
      class: 'bk-text',
      type: 'datetime-local',
      value: chosen ? localDateTime(chosen) : initial,
      onchange: (ev) =>
        choose(e, b, s, ev.target.value ? Math.floor(new Date(ev.target.value).getTime() / 1000) : null, dispatch),
    });
  },
  plain_text_input: (e, b, s, dispatch) =>
    field(
      e,
      b,
      s,
      dispatch,
      { type: 'text', multiline: e.multiline, maxlength: e.max_length, minlength: e.min_length },
      e.initial_value,
    ),
  email_text_input: (e, b, s, dispatch) => field(e, b, s, dispatch, { type: 'email' }, e.initial_value),
  url_text_input: (e, b, s, dispatch) => field(e, b, s, dispatch, { type: 'url' }, e.initial_value),
  number_input: (e, b, s, dispatch) =>
    field(
      e,
      b,
      s,
      dispatch,
      { type: 'number', min: e.min_value, max: e.max_value, step: e.is_decimal_allowed ? 'any' : 1 },
      e.initial_value,
    ),
  image: (e) => image(e, 'bk-accessory-image'),
};

function linkButton(ev, e, press) {
  // A link button opens its address (a Slack link inside the page) and still tells the app it was clicked.
  if (directory.follow(e.url) || !safeHref(e.url)) ev.preventDefault();
  press();
}

function select(e, b, s, dispatch, options, initial, multiple = false) {
  const chosen = current(e, b, s) ?? initial;
  const picked = new Set([chosen ?? []].flat());
  const placeholder = e.placeholder ? plainOf(e.placeholder) : 'Select…';
  const node = h(
    'select',
    {
      class: 'bk-select',
      multiple,
      'aria-label': placeholder,
      onchange: async (ev) => {
        const values = [...ev.target.selectedOptions].map((o) => o.value).filter(Boolean);
        // A select with a confirm asks before Slack sends the choice; "no" puts the old choice back.
        if (dispatch && e.confirm && !(await confirmDialog(e.confirm))) {
          for (const o of ev.target.options) o.selected = picked.has(o.value) || (!o.value && picked.size === 0);
          return;
        }
        choose(e, b, s, multiple ? values : (values[0] ?? null), dispatch);
      },
    },
    !multiple && h('option', { value: '', selected: picked.size === 0 }, placeholder),
    options.map(([value, label]) => h('option', { value, selected: picked.has(value) }, label)),
  );
  return node;
}

function overflow(e, b, s) {
  const menu = h(
    'div',
    { class: 'bk-overflow-menu', hidden: true },
    (e.options ?? []).map((o) =>
      h(
        'button',
        {
          type: 'button',
          class: 'bk-overflow-item',
          onclick: () => {
            menu.hidden = true;
            s.act({ blockId: b.block_id, actionId: e.action_id, choice: o.value });
            if (o.url) window.open(o.url, '_blank', 'noopener');
          },
        },
        plainOf(o.text),
      ),
    ),
  );
  return h(
    'span',
    { class: 'bk-overflow' },
    h(
      'button',
      {
        type: 'button',
        class: 'bk-button bk-overflow-toggle',
        'aria-label': 'More',
        onclick: () => (menu.hidden = !menu.hidden),
      },
      '⋯',
    ),
    menu,
  );
}

function choices(e, b, s, dispatch, kind) {
  const initial = kind === 'checkbox' ? (e.initial_options ?? []).map((o) => o.value) : e.initial_option?.value;
  const chosen = new Set([current(e, b, s) ?? initial ?? []].flat());
  const name = `${b.block_id}:${e.action_id}`;
  const group = h(
    'div',
    { class: `bk-${kind}es`, role: kind === 'radio' ? 'radiogroup' : 'group' },
    (e.options ?? []).map((o) =>
      h(
        'label',
        { class: `bk-${kind}` },
        h('input', {
          type: kind,
          name,
          value: o.value,
          checked: chosen.has(o.value),
          onchange: () => {
            const picked = [...group.querySelectorAll('input:checked')].map((i) => i.value);
            choose(e, b, s, kind === 'checkbox' ? picked : (picked[0] ?? null), dispatch);
          },
        }),
        h(
          'span',
          null,
          textObject(o.text),
          o.description && h('span', { class: 'bk-option-description' }, textObject(o.description)),
        ),
      ),
    ),
  );
  return group;
}

function field(e, b, s, dispatch, { multiline, ...attrs }, initial) {
  const chosen = current(e, b, s);
  const value = chosen ?? initial ?? '';
  const props = {
    class: 'bk-text',
    placeholder: e.placeholder ? plainOf(e.placeholder) : undefined,
    value,
    // Slack sends a typed value at once only when asked (dispatch_action); otherwise it is read at submission.
    oninput: (ev) => choose(e, b, s, ev.target.value, false),
    onchange: (ev) => dispatch && choose(e, b, s, ev.target.value, true),
    ...attrs,
  };
  return multiline ? h('textarea', { ...props, rows: 4 }) : h('input', props);
}

function localDateTime(seconds) {
  const d = new Date(Number(seconds) * 1000);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Every block and element type this renderer draws (the browser test compares Deskbell's own with it). */
export const KNOWN = { blocks: Object.keys(BLOCKS), elements: Object.keys(ELEMENTS) };
