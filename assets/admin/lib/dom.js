// Building the page: elements without innerHTML (data never becomes markup), the main
// area, stat cards, and the toasts that report what an action did.

/** Builds DOM without innerHTML, so data can never become markup. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export const main = () => document.getElementById('main');
export function render(...nodes) { main().replaceChildren(...nodes.flat(Infinity).filter((n) => n !== null && n !== undefined && n !== false)); }

// Each navigation starts a new view. A page takes its renderer when it starts (before
// any await), so an answer that arrives after the admin moved on draws nothing.
let shown = 0;
export function nextView() { shown++; }
export function view() {
  const mine = shown;
  const draw = (...nodes) => { if (mine === shown) render(...nodes); };
  /** Whether this page is still the one shown (a reload after an action only then). */
  draw.live = () => mine === shown;
  return draw;
}

export function stat(label, value, extra) {
  return h('div', { class: 'card stat' }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value), extra || null);
}

export function toast(message, bad = false) {
  const t = h('div', { class: 'toast' + (bad ? ' bad' : ''), role: bad ? 'alert' : 'status' }, message);
  document.getElementById('toasts').append(t);
  setTimeout(() => t.remove(), bad ? 8000 : 4500);
}

/** The message of a refused call, with the field it names. */
export const problem = (e) => (e.body?.field ? e.body.field + ': ' : '') + e.message;

/**
 * Runs an action. `null` from the action means the admin cancelled: nothing is reported.
 * A failure is shown and never rethrown (no uncaught promise errors); the result is
 * `undefined` then.
 */
export async function run(action, okMessage) {
  try {
    const r = await action();
    if (r === null) return null;
    if (okMessage) toast(typeof okMessage === 'function' ? okMessage(r) : okMessage);
    return r ?? true;
  } catch (e) {
    if (e.status !== 401) toast(problem(e), true);
    return undefined;
  }
}
