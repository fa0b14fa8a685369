// Pricing rules: selling price = supplier price + profit, in the words of a shop owner
// (percent as percent, categories and products picked by name).

import { api } from '../lib/api.js';
import { confirm, dialog } from '../lib/dialog.js';
import { h, run, view } from '../lib/dom.js';
import { rupiah } from '../lib/format.js';
import { table } from '../lib/table.js';

const percentOf = (bp) => Math.round(bp) / 100;
const bpOf = (pct) => Math.round(Number(pct || 0) * 100);

export default async function pricing() {
  const render = view(); // renders only while this page is still the one shown
  const [rules, cats, prods] = await Promise.all([api('GET', '/admin/pricing-rules'), api('GET', '/admin/categories'), api('GET', '/admin/products?per_page=100')]);
  const catName = new Map(cats.map((c) => [c.id, c.name]));
  const prodName = new Map(prods.data.map((p) => [p.id, p.name]));
  const brands = [...new Set(prods.data.map((p) => p.brand).filter(Boolean))].sort();
  const target = (r) => r.scope === 'brand' ? `brand ${r.brand}` : r.scope === 'category' ? `category ${catName.get(r.category_id) || '#' + r.category_id}`
    : r.scope === 'product' ? `product ${prodName.get(r.product_id) || '#' + r.product_id}` : 'every product';
  const shape = (r = {}) => [
    { name: 'percent', label: 'Profit, percent of the supplier price', type: 'number', value: r.percent_bp != null ? percentOf(r.percent_bp) : 0, step: 0.01, hint: 'e.g. 2.5 for 2.5 %' },
    { name: 'flat', label: 'Plus a fixed profit (Rp)', type: 'number', value: r.flat ?? 0 },
    { name: 'min_profit', label: 'At least this profit (Rp)', type: 'number', value: r.min_profit ?? 0 },
    { name: 'max_profit', label: 'At most this profit (Rp, empty: no cap)', type: 'number', value: r.max_profit ?? '' },
    { name: 'round_to', label: 'Round the price up to a multiple of (Rp)', type: 'number', value: r.round_to ?? 100, hint: '1 = no rounding' }];
  const body = (v) => { const b = { percent_bp: bpOf(v.percent), flat: v.flat || 0, min_profit: v.min_profit || 0, round_to: v.round_to || 1 }; if (v.max_profit !== null) b.max_profit = v.max_profit; return b; };
  const edit = async (r) => {
    const ok = await run(() => dialog(`Rule for ${target(r)} (${r.tier})`, shape(r), { intro: 'Every item this rule covers is repriced at once; a price set by hand on an item stays.',
      submit: (v) => { const b = body(v); if (v.max_profit === null) b.max_profit = null; return api('PATCH', `/admin/pricing-rules/${r.id}`, b); } }), (res) => `Rule saved; ${res.repriced_items} items repriced`);
    if (ok) render.live() && pricing();
  };
  const add = async () => {
    const ok = await run(() => dialog('New pricing rule', [
      { name: 'scope', label: 'Applies to', type: 'select', options: [{ value: 'category', label: 'A category' }, { value: 'brand', label: 'A brand' }, { value: 'product', label: 'One product' }, { value: 'global', label: 'Every product (fallback)' }] },
      { name: 'category_id', label: 'Category (when it applies to a category)', type: 'select', options: [{ value: '', label: '—' }, ...cats.map((c) => ({ value: c.id, label: c.name }))] },
      { name: 'brand', label: 'Brand (when it applies to a brand)', type: 'select', options: [{ value: '', label: '—' }, ...brands.map((b) => ({ value: b, label: b }))] },
      { name: 'product_id', label: 'Product (when it applies to one product)', type: 'select', options: [{ value: '', label: '—' }, ...prods.data.map((p) => ({ value: p.id, label: p.name }))] },
      { name: 'tier', label: 'Customers', type: 'select', options: [{ value: 'retail', label: 'Retail' }, { value: 'reseller', label: 'Resellers' }] }, ...shape()],
    { submitLabel: 'Add rule', intro: 'The most specific rule wins: product, then brand, then category, then every product.',
      submit: (v) => {
        const b = { scope: v.scope, tier: v.tier, ...body(v) };
        if (v.scope === 'brand') b.brand = v.brand; if (v.scope === 'category') b.category_id = Number(v.category_id) || null; if (v.scope === 'product') b.product_id = Number(v.product_id) || null;
        return api('POST', '/admin/pricing-rules', b);
      } }), (res) => `Rule added; ${res.repriced_items} items repriced`);
    if (ok) render.live() && pricing();
  };
  const remove = async (r) => {
    if (await confirm('Delete this rule?', `Items of ${target(r)} (${r.tier}) are repriced by the next most specific rule.`, { confirmLabel: 'Delete rule' })
      && await run(() => api('DELETE', `/admin/pricing-rules/${r.id}`), 'Rule deleted')) render.live() && pricing();
  };
  render(h('h1', {}, 'Pricing rules'), h('p', { class: 'muted' }, 'Selling price = supplier price + profit. The most specific rule wins: product > brand > category > every product.'),
    h('div', { class: 'actions' }, h('button', { onclick: add }, 'New rule')),
    table([{ label: 'Applies to', render: target, sortValue: target }, { label: 'Customers', key: 'tier' },
      { label: 'Percent', num: true, render: (r) => percentOf(r.percent_bp).toLocaleString('id-ID') + ' %', sortValue: (r) => r.percent_bp }, { label: 'Fixed', num: true, render: (r) => rupiah(r.flat), sortValue: (r) => r.flat },
      { label: 'Min profit', num: true, render: (r) => rupiah(r.min_profit), sortValue: (r) => r.min_profit }, { label: 'Max profit', num: true, render: (r) => r.max_profit == null ? 'no cap' : rupiah(r.max_profit), sortValue: (r) => r.max_profit },
      { label: 'Round up to', num: true, render: (r) => rupiah(r.round_to), sortValue: (r) => r.round_to },
      { label: '', render: (r) => r.scope === 'global' ? null : h('button', { class: 'secondary', onclick: () => remove(r) }, 'Delete…') }],
    rules, edit));
}
