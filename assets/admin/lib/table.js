// Tables (sortable, keyboard-reachable rows, card rows on a phone, optional bulk
// selection), pagers and status badges.

import { h } from './dom.js';

export function badge(value) {
  const kind = { success: 'ok', paid: 'ok', completed: 'ok', active: 'ok', Done: 'ok', approved: 'info',
    failed: 'bad', expired: 'bad', rejected: 'bad', suspended: 'bad', Failed: 'bad', Killed: 'bad', inactive: 'bad',
    pending: 'warn', processing: 'info', refunded: 'info', Pending: 'warn', Running: 'info', Queued: 'info',
    'in sync': 'ok', behind: 'warn', 'nothing replicated yet': 'warn', 'not replicated': 'bad', unknown: 'bad' }[value];
  return h('span', { class: 'badge ' + (kind || '') }, value ?? '');
}

const sortValue = (c, r) => (c.sortValue ? c.sortValue(r) : c.key ? r[c.key] : null);
const compare = (a, b) => (a === b ? 0 : a === null || a === undefined ? 1 : b === null || b === undefined ? -1
  : typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b), 'id', { numeric: true }));

/**
 * columns: [{label, key, render, num, sortValue, sortable}]; a column with a key or
 * sortValue sorts by a click on its header (this page's rows), unless `sortable: false`.
 * onRow: opens a row (click, or Enter on the focused row). opts.bulk: [{label, danger,
 * run(rows)}] adds a checkbox per row and a bar acting on the ticked ones.
 * opts.serverSort: {value, onSort(key)} when the server sorts (every page, not this one).
 */
export function table(columns, rows, onRow, opts = {}) {
  let order = null; // [index, dir]
  const picked = new Set();
  const tbody = h('tbody');
  const bulkBar = opts.bulk ? h('div', { class: 'bulk', hidden: true }) : null;
  const paintBulk = () => {
    if (!bulkBar) return;
    bulkBar.hidden = picked.size === 0;
    bulkBar.replaceChildren(h('span', {}, `${picked.size} selected`), ...opts.bulk.map((b) => h('button', { type: 'button', class: b.danger ? 'danger' : 'secondary',
      onclick: () => b.run(rows.filter((r) => picked.has(r))) }, b.label)));
  };
  const cells = (r) => columns.map((c) => h('td', { class: c.num ? 'num' : '', 'data-label': c.label || null }, c.render ? c.render(r) : (r[c.key] ?? '')));
  const paint = () => {
    const list = [...rows];
    if (order) { const [i, dir] = order; list.sort((a, b) => dir * compare(sortValue(columns[i], a), sortValue(columns[i], b))); }
    tbody.replaceChildren(...(list.length ? list.map((r) => {
      const tr = h('tr', { class: onRow ? 'click' : '', tabindex: onRow ? 0 : null,
        onclick: onRow ? (e) => { if (!e.target.closest('button, a, input, select, label')) onRow(r); } : null,
        onkeydown: onRow ? (e) => { if (e.key === 'Enter' && e.target === e.currentTarget) onRow(r); } : null });
      if (opts.bulk) tr.append(h('td', { class: 'pick' }, h('input', { type: 'checkbox', 'aria-label': 'select row', checked: picked.has(r), onchange: (e) => { if (e.target.checked) picked.add(r); else picked.delete(r); paintBulk(); } })));
      tr.append(...cells(r));
      return tr;
    }) : [h('tr', { class: 'empty' }, h('td', { colspan: columns.length + (opts.bulk ? 1 : 0), class: 'muted' }, opts.empty || 'Nothing here yet.'))]));
  };
  const head = columns.map((c, i) => {
    const server = opts.serverSort && c.serverKey;
    const can = server || (c.sortable !== false && (c.key || c.sortValue) && !opts.serverSort);
    if (!can) return h('th', { class: c.num ? 'num' : '' }, c.label);
    const state = server ? (opts.serverSort.value === c.serverKey[0] ? 'ascending' : opts.serverSort.value === c.serverKey[1] ? 'descending' : 'none')
      : (order && order[0] === i ? (order[1] > 0 ? 'ascending' : 'descending') : 'none');
    const btn = h('button', { type: 'button', class: 'sort', onclick: () => {
      if (server) return opts.serverSort.onSort(state === 'descending' ? c.serverKey[0] : c.serverKey[1]);
      order = order && order[0] === i ? [i, -order[1]] : [i, c.num ? -1 : 1];
      paint(); for (const th of thead.querySelectorAll('th')) th.setAttribute('aria-sort', 'none');
      btn.parentElement.setAttribute('aria-sort', order[1] > 0 ? 'ascending' : 'descending');
    } }, c.label, h('span', { class: 'arrow', 'aria-hidden': 'true' }));
    return h('th', { class: c.num ? 'num' : '', 'aria-sort': state }, btn);
  });
  const all = opts.bulk ? h('th', { class: 'pick' }, h('input', { type: 'checkbox', 'aria-label': 'select all', onchange: (e) => {
    picked.clear(); if (e.target.checked) rows.forEach((r) => picked.add(r)); paint(); paintBulk();
  } })) : null;
  const thead = h('thead', {}, h('tr', {}, all, head));
  paint();
  const t = h('table', { class: 'data' }, thead, tbody);
  return opts.bulk ? h('div', { class: 'table-wrap' }, bulkBar, t) : t;
}

export function pager(meta, go) {
  if (!meta) return null;
  return h('div', { class: 'pager' },
    h('button', { class: 'secondary', disabled: meta.page <= 1, onclick: () => go(meta.page - 1) }, 'Previous'),
    h('span', { class: 'muted' }, `page ${meta.page} of ${Math.max(1, meta.last_page)} · ${meta.total} total`),
    h('button', { class: 'secondary', disabled: meta.page >= meta.last_page, onclick: () => go(meta.page + 1) }, 'Next'));
}

/** Long JSON or text, folded: a summary line, the whole wrapped inside. */
export function folded(text, summary = 'show') {
  let pretty = text;
  try { pretty = JSON.stringify(JSON.parse(text), null, 2); } catch (_) { /* not JSON: as is */ }
  return h('details', { class: 'fold' }, h('summary', {}, summary), h('pre', { class: 'wrap' }, pretty));
}
