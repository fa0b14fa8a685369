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
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export const main = () => document.getElementById('main');
export function render(...nodes) { main().replaceChildren(...nodes.flat().filter((n) => n !== null && n !== undefined && n !== false)); }

export function stat(label, value, extra) {
  return h('div', { class: 'card stat' }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value), extra || null);
}

export function toast(message, bad = false) {
  const t = h('div', { class: 'toast' + (bad ? ' bad' : '') }, message);
  document.getElementById('toasts').append(t);
  setTimeout(() => t.remove(), 4500);
}

export async function run(action, okMessage) {
  try { const r = await action(); if (okMessage) toast(okMessage); return r; }
  catch (e) { toast((e.body?.field ? e.body.field + ': ' : '') + e.message, true); throw e; }
}
