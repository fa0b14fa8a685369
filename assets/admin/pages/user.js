// One user: tier, status, balance and its movements.

import { api } from '../lib/api.js';
import { dialog } from '../lib/dialog.js';
import { h, render, run, stat } from '../lib/dom.js';
import { jakarta, rupiah } from '../lib/format.js';
import { badge, table } from '../lib/table.js';

export default async function user(params, id) {
  const [u, muts] = await Promise.all([api('GET', `/admin/users/${id}`), api('GET', `/admin/users/${id}/mutations?per_page=50`)]);
  const patch = async (body, msg) => { await run(() => api('PATCH', `/admin/users/${id}`, body), msg); user(params, id); };
  const adjust = async () => {
    const v = await dialog('Adjust balance', [{ name: 'amount', label: 'Amount (negative to take)', type: 'number', required: true }, { name: 'reason', label: 'Reason', required: true }]);
    if (v) { await run(() => api('POST', `/admin/users/${id}/balance-adjustments`, v), 'Balance adjusted'); user(params, id); }
  };
  render(h('p', {}, h('a', { href: '#/users' }, '← users')), h('h1', {}, u.name, ' ', badge(u.status)),
    h('p', { class: 'muted' }, `${u.email} · ${u.phone || 'no phone'} · ${u.role} · ${u.customer_type} · referred ${u.referral_count} · joined ${jakarta(u.created_at)}`),
    h('div', { class: 'grid' }, stat('Balance', h('span', { id: 'user-balance' }, rupiah(u.balance)))),
    h('div', { class: 'actions' },
      u.customer_type === 'retail' ? h('button', { onclick: () => patch({ customer_type: 'reseller' }, 'Now a reseller') }, 'Promote to reseller') : h('button', { class: 'secondary', onclick: () => patch({ customer_type: 'retail' }, 'Now retail') }, 'Make retail'),
      h('button', { onclick: adjust }, 'Adjust balance'),
      u.status === 'active' ? h('button', { class: 'danger', onclick: () => patch({ status: 'suspended' }, 'Suspended') }, 'Suspend') : h('button', { class: 'secondary', onclick: () => patch({ status: 'active' }, 'Reactivated') }, 'Reactivate'),
      h('a', { href: `#/orders?user_id=${id}` }, 'Orders')),
    h('h2', {}, 'Balance movements'),
    table([{ label: 'When', render: (r) => jakarta(r.created_at) }, { label: 'Kind', key: 'kind' }, { label: 'Amount', num: true, render: (r) => rupiah(r.amount) },
      { label: 'After', num: true, render: (r) => rupiah(r.balance_after) }, { label: 'Order', key: 'transaction_code' }, { label: 'Description', key: 'description' }], muts.data));
}
