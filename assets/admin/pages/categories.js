// Categories.

import { api } from '../lib/api.js';
import { dialog } from '../lib/dialog.js';
import { h, render, run } from '../lib/dom.js';
import { table } from '../lib/table.js';

export default async function categories() {
  const cats = await api('GET', '/admin/categories');
  const add = async () => { const v = await dialog('New category', [{ name: 'name', label: 'Name', required: true }, { name: 'sort_order', label: 'Sort order', type: 'number', value: 0 }]); if (v) { await run(() => api('POST', '/admin/categories', v), 'Category added'); categories(); } };
  render(h('h1', {}, 'Categories'), h('div', { class: 'actions' }, h('button', { onclick: add }, 'New category')),
    table([{ label: 'Name', key: 'name' }, { label: 'Slug', key: 'slug' }, { label: 'Products', key: 'product_count', num: true }, { label: 'Order', key: 'sort_order', num: true },
      { label: 'Active', render: (r) => h('button', { class: 'secondary', onclick: async (e) => { e.stopPropagation(); await run(() => api('PATCH', `/admin/categories/${r.id}`, { is_active: !r.is_active })); categories(); } }, r.is_active ? 'Disable' : 'Enable') }], cats));
}
