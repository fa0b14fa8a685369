// One product and its items, with prices.

import { api } from '../lib/api.js';
import { dialog } from '../lib/dialog.js';
import { h, render, run, toast } from '../lib/dom.js';
import { rupiah } from '../lib/format.js';
import { badge, table } from '../lib/table.js';

export default async function product(params, id) {
  const p = await api('GET', `/admin/products/${id}`);
  const edit = async () => {
    const v = await dialog(`Edit ${p.name}`, [
      { name: 'name', label: 'Name', value: p.name }, { name: 'description', label: 'Description', type: 'textarea', value: p.description || '' },
      { name: 'input_fields', label: 'Input fields (JSON)', type: 'textarea', value: JSON.stringify(p.input_fields, null, 1) },
      { name: 'customer_no_format', label: 'Customer number format', value: p.customer_no_format },
      { name: 'is_featured', label: 'Featured', type: 'checkbox', value: p.is_featured }, { name: 'sort_order', label: 'Sort order', type: 'number', value: p.sort_order }]);
    if (!v) return;
    try { v.input_fields = JSON.parse(v.input_fields); } catch (_) { return toast('input fields: not valid JSON', true); }
    await run(() => api('PATCH', `/admin/products/${id}`, v), 'Product saved'); product(params, id);
  };
  const toggle = async () => { await run(() => api('PATCH', `/admin/products/${id}`, { is_active: !p.is_active }), p.is_active ? 'Disabled' : 'Enabled'); product(params, id); };
  const editItem = async (it) => {
    const v = await dialog(`${it.name} (${it.sku})`, [{ name: 'name', label: 'Name', value: it.name },
      { name: 'retail_price', label: `Retail price (cost ${rupiah(it.base_price)}; a set price is kept by syncs)`, type: 'number', value: it.retail_price },
      { name: 'reseller_price', label: 'Reseller price', type: 'number', value: it.reseller_price }, { name: 'is_active', label: 'Active', type: 'checkbox', value: it.is_active }]);
    if (!v) return;
    const body = { name: v.name, is_active: v.is_active };
    if (v.retail_price !== it.retail_price) body.retail_price = v.retail_price;
    if (v.reseller_price !== it.reseller_price) body.reseller_price = v.reseller_price;
    await run(() => api('PATCH', `/admin/items/${it.id}`, body), 'Item saved'); product(params, id);
  };
  render(h('p', {}, h('a', { href: '#/products' }, '← products')), h('h1', {}, p.name, ' ', badge(p.is_active ? 'active' : 'inactive')),
    h('div', { class: 'actions' }, h('button', { onclick: edit }, 'Edit'), h('button', { class: 'secondary', onclick: toggle }, p.is_active ? 'Disable' : 'Enable')),
    h('p', { class: 'muted' }, `${p.category.name} · ${p.brand} · ${p.type} · customer no. = ${p.customer_no_format}`),
    table([{ label: 'SKU', key: 'sku' }, { label: 'Item', key: 'name' }, { label: 'Cost', num: true, render: (r) => rupiah(r.base_price) },
      { label: 'Retail', num: true, render: (r) => [rupiah(r.retail_price), r.retail_price_override != null ? ' *' : ''] },
      { label: 'Reseller', num: true, render: (r) => [rupiah(r.reseller_price), r.reseller_price_override != null ? ' *' : ''] },
      { label: 'Orderable', render: (r) => r.is_orderable ? badge('active') : badge(r.unavailable_reason) }, { label: 'Sold', key: 'total_sold', num: true }],
    p.items, editItem), h('p', { class: 'muted' }, '* a price set by hand (kept by syncs).'));
}
