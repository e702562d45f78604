// The page builds every node with this helper: text only ever becomes a text node, attributes are set one by one,
// and no string is parsed as HTML anywhere, so whatever a requester typed is shown and never run.

/**
 * h('div', { class: 'x', onclick: fn, 'data-ts': ts }, 'text', child, [more]) — falsy children are skipped.
 * `on…` attributes take functions; every other attribute is set with setAttribute.
 */
export function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else if (name === 'value' && 'value' in node) node.value = String(value);
    else if (name === 'checked' || name === 'selected' || name === 'multiple' || name === 'disabled')
      node[name] = !!value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

export function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false || child === '') continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Only http(s) and mailto links are followed; anything else (javascript:, data:) is not a link. */
export function safeHref(url) {
  try {
    const parsed = new URL(String(url), location.href);
    return ['http:', 'https:', 'mailto:'].includes(parsed.protocol) ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}
