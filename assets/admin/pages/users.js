// Users, searchable and sortable.

import { api } from '../lib/api.js';
import { h, view } from '../lib/dom.js';
import { rupiah } from '../lib/format.js';
import { go } from '../lib/nav.js';
import { badge, pager, table } from '../lib/table.js';

export default async function users(params) {
  const render = view(); // renders only while this page is still the one shown
  const q = new URLSearchParams({ page: params.get('page') || 1, per_page: 25 });
  for (const k of ['search', 'customer_type', 'status']) if (params.get(k)) q.set(k, params.get(k));
  const list = await api('GET', `/admin/users?${q}`);
  render(h('h1', {}, 'Users'),
    h('form', { class: 'row', onsubmit: (e) => { e.preventDefault(); const p = new URLSearchParams(); for (const [k, v] of new FormData(e.target)) if (v) p.set(k, v); go('#/users?' + p); } },
      h('label', {}, 'Search (name, e-mail, phone)', h('input', { name: 'search', type: 'search', value: params.get('search') || '' })),
      h('label', {}, 'Type', h('select', { name: 'customer_type' }, ['', 'retail', 'reseller'].map((v) => h('option', { value: v, selected: params.get('customer_type') === v }, v || 'any')))),
      h('label', {}, 'Status', h('select', { name: 'status' }, ['', 'active', 'suspended', 'inactive'].map((v) => h('option', { value: v, selected: params.get('status') === v }, v || 'any')))),
      h('button', {}, 'Search')),
    table([{ label: 'Name', key: 'name' }, { label: 'E-mail', key: 'email' }, { label: 'Phone', key: 'phone' }, { label: 'Role', key: 'role' }, { label: 'Type', key: 'customer_type' },
      { label: 'Balance', num: true, render: (r) => rupiah(r.balance), sortValue: (r) => r.balance }, { label: 'Status', render: (r) => badge(r.status), sortValue: (r) => r.status }], list.data, (r) => go(`#/user/${r.id}`)),
    pager(list.meta, (p) => { params.set('page', p); go('#/users?' + params); }));
}
