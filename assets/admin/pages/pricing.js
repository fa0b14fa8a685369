// Pricing rules: selling price = supplier price + profit.

import { api } from '../lib/api.js';
import { dialog } from '../lib/dialog.js';
import { h, render, run, toast } from '../lib/dom.js';
import { rupiah } from '../lib/format.js';
import { table } from '../lib/table.js';

export default async function pricing() {
  const rules = await api('GET', '/admin/pricing-rules');
  const edit = async (r) => {
    const v = await dialog(`Rule: ${r.scope} ${r.brand || r.category_id || r.product_id || ''} (${r.tier})`, [
      { name: 'percent_bp', label: 'Percent, in hundredths (250 = 2.5 %)', type: 'number', value: r.percent_bp }, { name: 'flat', label: 'Flat (Rp)', type: 'number', value: r.flat },
      { name: 'min_profit', label: 'Minimum profit', type: 'number', value: r.min_profit }, { name: 'max_profit', label: 'Maximum profit (empty: none)', type: 'number', value: r.max_profit ?? '' },
      { name: 'round_to', label: 'Round up to (Rp)', type: 'number', value: r.round_to }]);
    if (!v) return;
    if (v.max_profit === null) { delete v.max_profit; v.clear_max_profit = true; }
    const res = await run(() => api('PATCH', `/admin/pricing-rules/${r.id}`, v));
    toast(`Rule saved; ${res.repriced_items} items repriced`); pricing();
  };
  const add = async () => {
    const v = await dialog('New rule', [{ name: 'scope', label: 'Scope', type: 'select', options: ['brand', 'category', 'product', 'global'] },
      { name: 'target', label: 'Brand name, category id or product id' }, { name: 'tier', label: 'Tier', type: 'select', options: ['retail', 'reseller'] },
      { name: 'percent_bp', label: 'Percent (hundredths)', type: 'number', value: 0 }, { name: 'flat', label: 'Flat (Rp)', type: 'number', value: 0 }, { name: 'round_to', label: 'Round up to', type: 'number', value: 100 }]);
    if (!v) return;
    const body = { scope: v.scope, tier: v.tier, percent_bp: v.percent_bp || 0, flat: v.flat || 0, round_to: v.round_to || 1 };
    if (v.scope === 'brand') body.brand = v.target; if (v.scope === 'category') body.category_id = Number(v.target); if (v.scope === 'product') body.product_id = Number(v.target);
    const res = await run(() => api('POST', '/admin/pricing-rules', body)); toast(`Rule added; ${res.repriced_items} items repriced`); pricing();
  };
  render(h('h1', {}, 'Pricing rules'), h('p', { class: 'muted' }, 'Selling price = supplier price + profit. The most specific rule wins: product > brand > category > global.'),
    h('div', { class: 'actions' }, h('button', { onclick: add }, 'New rule')),
    table([{ label: 'Scope', key: 'scope' }, { label: 'Target', render: (r) => r.brand || r.category_id || r.product_id || 'all' }, { label: 'Tier', key: 'tier' },
      { label: 'Percent', num: true, render: (r) => (r.percent_bp / 100).toFixed(2) + ' %' }, { label: 'Flat', num: true, render: (r) => rupiah(r.flat) },
      { label: 'Min', num: true, render: (r) => rupiah(r.min_profit) }, { label: 'Max', num: true, render: (r) => r.max_profit == null ? '—' : rupiah(r.max_profit) }, { label: 'Round to', num: true, key: 'round_to' }],
    rules, edit));
}
