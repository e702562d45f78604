// Block Kit's confirm dialog (on a button, a select or an overflow): Slack shows it before sending the action.
import { h } from './dom.js';
import { plainOf, textObject } from './mrkdwn.js';

/** Resolves true when the person confirms, false when they back out. */
export function confirmDialog(confirm) {
  return new Promise((resolve) => {
    const done = (answer) => {
      layer.remove();
      resolve(answer);
    };
    const layer = h(
      'div',
      { class: 'overlay confirm-layer', onclick: (ev) => ev.target === layer && done(false) },
      h(
        'div',
        { class: 'dialog confirm', role: 'alertdialog', 'aria-modal': 'true' },
        h('div', { class: 'dialog-title' }, confirm.title ? plainOf(confirm.title) : 'Are you sure?'),
        h('div', { class: 'dialog-body' }, textObject(confirm.text)),
        h(
          'div',
          { class: 'dialog-footer' },
          h(
            'button',
            { type: 'button', class: 'bk-button', onclick: () => done(false) },
            confirm.deny ? plainOf(confirm.deny) : 'Cancel',
          ),
          h(
            'button',
            { type: 'button', class: `bk-button ${confirm.style ?? 'primary'} confirm-yes`, onclick: () => done(true) },
            confirm.confirm ? plainOf(confirm.confirm) : 'Yes',
          ),
        ),
      ),
    );
    document.body.append(layer);
    layer.querySelector('.confirm-yes').focus();
  });
}
