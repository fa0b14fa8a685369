// Figures at a glance: revenue, the attention list, the supplier deposit, the replica, charts.

import { api } from '../lib/api.js';
import { barChart, fillDays } from '../lib/chart.js';
import { h, stat, view } from '../lib/dom.js';
import { rupiah } from '../lib/format.js';
import { supplierDeposit } from '../lib/shop.js';
import { badge, table } from '../lib/table.js';

export default async function dashboard() {
  const render = view(); // renders only while this page is still the one shown
  const [today, week, month] = await Promise.all(['today', 'week', 'month'].map((p) => api('GET', `/admin/dashboard?period=${p}`)));
  // Shared with the shell's banners (which warn when it is low): one read of each.
  const deposit = await supplierDeposit();
  const jobs = await api('GET', '/admin/jobs?status=Failed&limit=1').catch(() => ({ counts: [] }));
  const attention = await api('GET', '/admin/transactions/attention?per_page=1').catch(() => ({ meta: { total: 0 } }));
  const replication = await api('GET', '/admin/system/replication').catch(() => null);
  const failedJobs = jobs.counts.find((c) => c.status === 'Failed')?.count || 0;
  const fig = (d, label) => stat(label, rupiah(d.figures.revenue), h('div', { class: 'muted' }, `profit ${rupiah(d.figures.profit)} · ${d.figures.orders} orders`));
  render(
    h('h1', {}, 'Dashboard'),
    attention.meta.total > 0 ? h('div', { class: 'alert', id: 'attention-alert' }, h('a', { href: '#/orders?attention=1' }, `${attention.meta.total} order(s) need your attention`), ' (unknown outcomes, deliveries after a refund, Tripay refunds, overcharges)') : null,
    replication && replication.warning ? h('div', { class: 'alert', id: 'replication-alert' }, h('a', { href: '#/system' }, replication.warning)) : null,
    h('div', { class: 'grid' },
      fig(today, 'Revenue today'), fig(week, 'Revenue, 7 days'), fig(month, 'Revenue, 30 days'),
      stat('Digiflazz deposit', deposit === null ? 'unknown' : rupiah(deposit)),
      stat('Refund required', h('a', { href: '#/orders?refund=1', id: 'refund-required' }, String(month.refund_required))),
      stat('Needs attention', h('a', { href: '#/orders?attention=1', id: 'attention-count' }, String(attention.meta.total))),
      stat('Waiting on supplier', String(month.processing)),
      stat('Failed jobs', h('a', { href: '#/jobs' }, String(failedJobs))),
      stat('New users, 30 days', String(month.new_users))),
    h('div', { class: 'two' },
      h('div', {}, h('h2', {}, 'Revenue per day (30 days)'), barChart(fillDays(month.daily, 30), 'revenue', 'revenue per day')),
      h('div', {}, h('h2', {}, 'Orders per day (30 days)'), barChart(fillDays(month.daily, 30), 'count', 'orders per day'))),
    h('div', { class: 'two' },
      h('div', {}, h('h2', {}, 'Orders by status (30 days)'), table([{ label: 'Status', render: (r) => badge(r.key) }, { label: 'Orders', key: 'count', num: true }], month.orders_by_status)),
      h('div', {}, h('h2', {}, 'Top products (30 days)'), table([{ label: 'Product', key: 'key' }, { label: 'Sold', key: 'count', num: true }, { label: 'Revenue', num: true, render: (r) => rupiah(r.revenue) }], month.top_products))));
}
