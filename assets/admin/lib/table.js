// Tables, pagers and status badges.

import { h } from './dom.js';

export function badge(value) {
  const kind = { success: 'ok', paid: 'ok', completed: 'ok', active: 'ok', Done: 'ok', approved: 'info',
    failed: 'bad', expired: 'bad', rejected: 'bad', suspended: 'bad', Failed: 'bad', Killed: 'bad',
    pending: 'warn', processing: 'info', refunded: 'info', Pending: 'warn', Running: 'info', Queued: 'info',
    'in sync': 'ok', behind: 'warn', 'nothing replicated yet': 'warn', 'not replicated': 'bad', unknown: 'bad' }[value];
  return h('span', { class: 'badge ' + (kind || '') }, value ?? '');
}

export function table(columns, rows, onRow) {
  return h('table', {},
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { class: c.num ? 'num' : '' }, c.label)))),
    h('tbody', {}, rows.length ? rows.map((r) => h('tr', { class: onRow ? 'click' : '', onclick: onRow ? () => onRow(r) : null },
      columns.map((c) => h('td', { class: c.num ? 'num' : '' }, c.render ? c.render(r) : (r[c.key] ?? ''))))) :
      h('tr', {}, h('td', { colspan: columns.length, class: 'muted' }, 'Nothing here yet.'))));
}

export function pager(meta, go) {
  if (!meta) return null;
  return h('div', { class: 'pager' },
    h('button', { class: 'secondary', disabled: meta.page <= 1, onclick: () => go(meta.page - 1) }, 'Previous'),
    h('span', { class: 'muted' }, `page ${meta.page} of ${meta.last_page} · ${meta.total} total`),
    h('button', { class: 'secondary', disabled: meta.page >= meta.last_page, onclick: () => go(meta.page + 1) }, 'Next'));
}
