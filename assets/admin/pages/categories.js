// Categories: add, show or hide (asks first when hiding).

import { api } from '../lib/api.js';
import { confirm, dialog } from '../lib/dialog.js';
import { h, run, view } from '../lib/dom.js';
import { badge, table } from '../lib/table.js';

export default async function categories() {
  const render = view(); // renders only while this page is still the one shown
  const cats = await api('GET', '/admin/categories');
  const add = async () => {
    if (await run(() => dialog('New category', [{ name: 'name', label: 'Name', required: true }, { name: 'sort_order', label: 'Position (smaller first)', type: 'number', value: 0 }],
      { submitLabel: 'Add category', submit: (v) => api('POST', '/admin/categories', v) }), 'Category added')) render.live() && categories();
  };
  const toggle = async (r) => {
    if (r.is_active && !await confirm(`Hide ${r.name}?`, `${r.name} and its ${r.product_count} product(s) disappear from the shop until you show it again.`, { confirmLabel: 'Hide' })) return;
    if (await run(() => api('PATCH', `/admin/categories/${r.id}`, { is_active: !r.is_active }), r.is_active ? `${r.name} hidden` : `${r.name} shown`)) render.live() && categories();
  };
  render(h('h1', {}, 'Categories'), h('div', { class: 'actions' }, h('button', { onclick: add }, 'New category')),
    table([{ label: 'Name', key: 'name' }, { label: 'Slug', key: 'slug' }, { label: 'Products', key: 'product_count', num: true }, { label: 'Position', key: 'sort_order', num: true },
      { label: 'Shown', render: (r) => [badge(r.is_active ? 'active' : 'inactive'), ' ', h('button', { class: 'secondary', onclick: () => toggle(r) }, r.is_active ? 'Hide' : 'Show')], sortValue: (r) => (r.is_active ? 1 : 0) }], cats));
}
