// The page's own state (who is looking at what) and its two ways to the server: the long-polled state, and the
// actions it posts. The server holds everything else; the page only draws what it is sent.
import { h } from './dom.js';

export const page = {
  user: 'U0AGENT',
  /** channel | home | mail | ticket | files */
  view: 'channel',
  channel: 'C0SUPPORT',
  thread: null,
  mail: null,
  /** A message to scroll to and mark (a permalink was followed). */
  highlight: null,
  /** The last state the server sent. */
  state: null,
  /** Inputs typed into each view (modal or Home) so far, by view id: { hash, choices }. */
  views: new Map(),
  /** Field errors Deskbell returned for a modal, by view id. */
  errors: new Map(),
};

let onNavigate = () => undefined;

export function whenNavigating(fn) {
  onNavigate = fn;
}

const KEYS = ['user', 'view', 'channel', 'thread', 'mail'];

/** The page's place is in its address (#user=…&view=…): a reload, a link or a screenshot script lands there. */
export function readLocation() {
  const params = new URLSearchParams(location.hash.slice(1));
  for (const key of KEYS) {
    const value = params.get(key);
    if (value) page[key] = key === 'mail' ? Number(value) : value;
  }
}

export function navigate(patch) {
  Object.assign(page, patch);
  const params = new URLSearchParams();
  for (const key of KEYS) if (page[key] !== null && page[key] !== undefined) params.set(key, String(page[key]));
  history.replaceState(null, '', `#${params}`);
  onNavigate();
}

/** POSTs one action to /sandbox/api/<name>; a refusal is shown as a toast and returned as undefined. */
export async function post(name, body) {
  try {
    const res = await fetch(`/sandbox/api/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = await res.json().catch(() => ({}));
    if (!res.ok) {
      toast(answer.error ?? `${name} failed (${res.status})`, 'error');
      return undefined;
    }
    if (answer.status && answer.status >= 300 && answer.status !== 250)
      toast(`Deskbell answered HTTP ${answer.status}`, 'error');
    return answer;
  } catch (err) {
    toast(`${name} failed: ${err.message}`, 'error');
    return undefined;
  }
}

export function toast(text, kind = 'info') {
  const node = h('div', { class: `toast ${kind}`, role: 'status' }, text);
  document.body.append(node);
  setTimeout(() => node.remove(), kind === 'error' ? 8000 : 4000);
}

export const personOf = (id) => page.state?.people.find((p) => p.id === id);
