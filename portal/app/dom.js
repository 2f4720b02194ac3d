// Tiny DOM helpers. Data is only ever set with textContent / attributes: never innerHTML.
//
//   el('td', { class: 'num', title: 'x' }, '12.3')    element with attributes and text/children
//   text(node, value)                                  replace content with a text node
//   clear(node)                                        remove all children
//   fmt(value, digits)                                 number formatting with '—' for missing

/**
 * Creates `<tag>` with attributes and children. Children may be strings/numbers (become text
 * nodes), nodes, arrays, or null/undefined (skipped). Attribute keys: `class`, `dataset` (object),
 * `on` (object of event listeners), `hidden`/`disabled`/booleans, anything else via setAttribute.
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key === 'on') for (const [ev, fn] of Object.entries(value)) node.addEventListener(ev, fn);
    else if (key === 'text') node.textContent = String(value);
    else if (value === true) node.setAttribute(key, '');
    else node.setAttribute(key, String(value));
  }
  append(node, children);
  return node;
}

/** Appends children (strings become text nodes; arrays flattened; null skipped). */
export function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Removes every child of `node`. */
export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

/** Replaces the content of `node` with `value` as text. */
export function text(node, value) {
  node.textContent = value === null || value === undefined ? '' : String(value);
  return node;
}

/** Replaces all children of `node` with `children`. */
export function replace(node, ...children) {
  clear(node);
  return append(node, children);
}

/** A number with `digits` decimals, or '—' when missing/not finite. */
export function fmt(value, digits = 1) {
  if (value === null || value === undefined || value === '') return '—';
  const n = Number(value);
  return Number.isFinite(n) ? n.toFixed(digits) : '—';
}

/** Integer with thousands separators, or '—'. */
export function fmtInt(value) {
  if (value === null || value === undefined) return '—';
  const n = Number(value);
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—';
}

/** hh:mm:ss (local time) of a Date / ISO string / epoch ms, or '—'. */
export function fmtTime(value) {
  if (value === null || value === undefined) return '—';
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) return '—';
  return d.toLocaleTimeString('en-GB', { hour12: false });
}

/** yyyy-mm-dd hh:mm:ss (local time), or '—'. */
export function fmtDateTime(value) {
  if (value === null || value === undefined) return '—';
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) return '—';
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${fmtTime(d)}`;
}
