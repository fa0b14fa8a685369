// Products with filters, and the supplier sync.

import { api } from '../lib/api.js';
import { h, render, run, toast } from '../lib/dom.js';
import { go } from '../lib/nav.js';
import { badge, pager, table } from '../lib/table.js';

export default async function products(params) {
  const q = new URLSearchParams({ page: params.get('page') || 1, per_page: 25 });
  for (const k of ['search', 'category_id', 'brand', 'is_active', 'orderable']) if (params.get(k)) q.set(k, params.get(k));
  const [list, cats] = await Promise.all([api('GET', `/admin/products?${q}`), api('GET', '/admin/categories')]);
  const sync = h('button', { id: 'sync-now', onclick: async () => {
    const s = await run(() => api('POST', '/admin/products/sync'));
    toast(s.limited ? `Digiflazz refused the list: ${s.limited}` : `Sync: ${s.added} added, ${s.updated} updated, ${s.deactivated} deactivated, ${s.unchanged} unchanged`);
    products(params);
  } }, 'Sync now');
  render(h('h1', {}, 'Products'),
    h('form', { class: 'row', onsubmit: (e) => { e.preventDefault(); const p = new URLSearchParams(); for (const [k, v] of new FormData(e.target)) if (v) p.set(k, v); go('#/products?' + p); } },
      h('label', {}, 'Search', h('input', { name: 'search', value: params.get('search') || '' })),
      h('label', {}, 'Category', h('select', { name: 'category_id' }, h('option', { value: '' }, 'any'), cats.map((c) => h('option', { value: c.id, selected: params.get('category_id') == c.id }, c.name)))),
      h('label', {}, 'Brand', h('input', { name: 'brand', value: params.get('brand') || '' })),
      h('label', {}, 'Active', h('select', { name: 'is_active' }, ['', 'true', 'false'].map((v) => h('option', { value: v, selected: params.get('is_active') === v }, v || 'any')))),
      h('label', {}, 'Orderable', h('select', { name: 'orderable' }, ['', 'true', 'false'].map((v) => h('option', { value: v, selected: params.get('orderable') === v }, v || 'any')))),
      h('button', {}, 'Filter'), sync),
    table([{ label: 'Product', key: 'name' }, { label: 'Category', render: (r) => r.category.name }, { label: 'Brand', key: 'brand' }, { label: 'Type', key: 'type' },
      { label: 'Items', key: 'item_count', num: true }, { label: 'Active', render: (r) => badge(r.is_active ? 'active' : 'inactive') }],
    list.data, (r) => go(`#/product/${r.id}`)),
    pager(list.meta, (p) => { params.set('page', p); go('#/products?' + params); }));
}
