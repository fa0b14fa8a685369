// Reports over a range, and the CSV export.

import { api } from '../lib/api.js';
import { barChart, fillDays, periodLabel } from '../lib/chart.js';
import { h, run, stat, view } from '../lib/dom.js';
import { rupiah } from '../lib/format.js';
import { go } from '../lib/nav.js';
import { table } from '../lib/table.js';

export default async function reports(params) {
  const render = view(); // renders only while this page is still the one shown
  const from = params.get('from') || '', to = params.get('to') || '', by = params.get('group_by') || 'day';
  const q = new URLSearchParams(); if (from) q.set('from', from); if (to) q.set('to', to);
  const csv = async () => {
    const res = await run(() => api('GET', `/admin/reports/export/transactions?${q}`, undefined, { raw: true }));
    if (!res) return;
    const url = URL.createObjectURL(new Blob([await res.text()], { type: 'text/csv' }));
    const a = h('a', { href: url, download: 'transactions.csv' }); document.body.append(a); a.click(); a.remove();
  };
  const form = h('form', { class: 'row', id: 'report-range', onsubmit: (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    if (f.get('from') && f.get('to') && f.get('from') > f.get('to')) { e.target.querySelector('.field-error').textContent = 'The start date is after the end date.'; return; }
    const p = new URLSearchParams(); for (const [k, v] of f) if (v) p.set(k, v); go('#/reports?' + p);
  } },
    h('label', {}, 'From', h('input', { type: 'date', name: 'from', value: from })), h('label', {}, 'To', h('input', { type: 'date', name: 'to', value: to })),
    h('label', {}, 'Per', h('select', { name: 'group_by' }, [['day', 'day'], ['week', 'week'], ['month', 'month']].map(([v, l]) => h('option', { value: v, selected: by === v }, l)))),
    h('button', {}, 'Show'), h('button', { type: 'button', class: 'secondary', onclick: () => csv() }, 'Export CSV (WIB times)'),
    h('small', { class: 'field-error', role: 'alert' }));
  let data;
  try {
    data = await Promise.all([api('GET', `/admin/reports/sales?${q}&group_by=${by}`), api('GET', `/admin/reports/products?${q}`),
      api('GET', `/admin/reports/users?${q}`), api('GET', `/admin/reports/payment-methods?${q}`), api('GET', `/admin/reports/wallet?${q}`)]);
  } catch (e) {
    // A range lapak refuses keeps the page: the form, and the reason under it.
    if (e.status === 401) throw e;
    render(h('h1', {}, 'Reports'), form);
    form.querySelector('.field-error').textContent = e.message;
    return;
  }
  const [sales, products, users, methods, wallet] = data;
  const money = [{ label: 'Orders', key: 'count', num: true }, { label: 'Revenue', num: true, render: (r) => rupiah(r.revenue), sortValue: (r) => r.revenue }, { label: 'Profit', num: true, render: (r) => rupiah(r.profit), sortValue: (r) => r.profit }];
  render(h('h1', {}, 'Reports'), form,
    h('div', { class: 'grid' }, stat('Revenue', rupiah(sales.totals.revenue)), stat('Profit', rupiah(sales.totals.profit)), stat('Orders', String(sales.totals.orders)), stat('Success rate', sales.totals.success_rate + ' %')),
    barChart(by === 'day' && !from && !to ? fillDays(sales.rows, 30) : sales.rows, 'revenue', 'revenue'),
    h('h2', {}, 'Sales'), table([{ label: 'Period', render: (r) => periodLabel(r.key), sortValue: (r) => r.key }, ...money], sales.rows, null, { empty: 'No sales in this range.' }),
    h('div', { class: 'two' }, h('div', {}, h('h2', {}, 'Products'), table([{ label: 'Product', key: 'key' }, ...money], products.rows)),
      h('div', {}, h('h2', {}, 'Customers'), table([{ label: 'Customer', key: 'key' }, ...money], users.rows))),
    h('div', { class: 'two' }, h('div', {}, h('h2', {}, 'Payment methods'), table([{ label: 'Method', key: 'key' }, ...money], methods.rows)),
      h('div', {}, h('h2', {}, 'Wallet'), table([{ label: 'Kind', key: 'kind' }, { label: 'Credits', num: true, render: (r) => rupiah(r.credits) }, { label: 'Debits', num: true, render: (r) => rupiah(r.debits) }, { label: 'Count', key: 'count', num: true }], wallet))));
}
