// Modals (views.open / push / update) and the App Home tab. What a person types stays on the page until the form
// is submitted; when Deskbell updates a view, typed values survive in blocks whose block_id is unchanged, as on Slack.
import { page, post } from './api.js';
import { renderBlocks } from './blocks.js';
import { h } from './dom.js';
import { plainOf } from './mrkdwn.js';

const inputBlockIds = (view) => new Set((view.blocks ?? []).map((b) => b.block_id).filter(Boolean));

/** The choices typed into view `id` so far, kept across updates of the view for blocks it still has. */
export function choicesOf(id, hash, view) {
  const kept = page.views.get(id);
  if (!kept) {
    page.views.set(id, { hash, choices: {} });
  } else if (kept.hash !== hash) {
    const still = inputBlockIds(view);
    for (const blockId of Object.keys(kept.choices)) if (!still.has(blockId)) delete kept.choices[blockId];
    kept.hash = hash;
    page.errors.delete(id);
  }
  return page.views.get(id).choices;
}

function viewSurface(kind, id, choices) {
  const s = page.state;
  return {
    kind,
    people: s.people,
    channels: s.channels,
    choices,
    errors: page.errors.get(id) ?? {},
    act: (target) => post('act', { user: page.user, where: { type: 'view', viewId: id }, state: choices, ...target }),
  };
}

const INITIAL = [
  'initial_value',
  'initial_option',
  'initial_options',
  'initial_user',
  'initial_users',
  'initial_date',
  'initial_time',
  'initial_date_time',
  'initial_conversation',
  'initial_channel',
];
const isEmpty = (v) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

/** Slack's own check before a form leaves the screen: every input not marked optional has a value. */
function requiredMissing(view, choices) {
  const missing = {};
  for (const b of view.blocks ?? []) {
    if (b.type !== 'input' || b.optional || !b.element) continue;
    const chosen = choices[b.block_id]?.[b.element.action_id];
    const initial = INITIAL.map((k) => b.element[k]).find((v) => !isEmpty(v));
    if (isEmpty(chosen === undefined ? initial : chosen)) missing[b.block_id] = 'Please complete this required field.';
  }
  return missing;
}

/** The top modal of the person's stack, or nothing. */
export function modalLayer(modal, redraw) {
  if (!modal) return null;
  const { id, view } = modal;
  const choices = choicesOf(id, modal.hash, view);
  const submit = async () => {
    const missing = requiredMissing(view, choices);
    if (Object.keys(missing).length) {
      page.errors.set(id, missing);
      return redraw();
    }
    const answer = await post('submit', { user: page.user, viewId: id, state: choices });
    if (answer?.errors) {
      page.errors.set(id, answer.errors);
      redraw();
    }
  };
  const close = () => post('close', { user: page.user, viewId: id });
  return h(
    'div',
    { class: 'overlay modal-layer' },
    h(
      'form',
      {
        class: 'dialog modal',
        role: 'dialog',
        'aria-modal': 'true',
        'data-callback-id': view.callback_id ?? '',
        onsubmit: (ev) => {
          ev.preventDefault();
          void submit();
        },
      },
      h(
        'div',
        { class: 'dialog-title' },
        h('span', null, plainOf(view.title)),
        modal.depth > 1 && h('span', { class: 'depth' }, ` (${modal.depth})`),
        h('button', { type: 'button', class: 'close', 'aria-label': 'Close', onclick: close }, '×'),
      ),
      h('div', { class: 'dialog-body' }, renderBlocks(view.blocks, viewSurface('modal', id, choices))),
      h(
        'div',
        { class: 'dialog-footer' },
        h(
          'button',
          { type: 'button', class: 'bk-button', onclick: close },
          view.close ? plainOf(view.close) : 'Cancel',
        ),
        view.submit && h('button', { type: 'submit', class: 'bk-button primary submit' }, plainOf(view.submit)),
      ),
    ),
  );
}

/** The App Home tab, as Deskbell last published it for this person. */
export function homePane(home) {
  if (!home) return h('div', { class: 'empty' }, 'Opening the Home tab…');
  const choices = choicesOf(home.id, home.hash, home.view);
  return h('div', { class: 'home' }, renderBlocks(home.view.blocks, viewSurface('home', home.id, choices)));
}
