// One user: tier, status, balance and its movements. Suspension and balance changes ask first.

import { api } from '../lib/api.js';
import { confirm, dialog } from '../lib/dialog.js';
import { h, run, stat, view } from '../lib/dom.js';
import { jakarta, rupiah } from '../lib/format.js';
import { badge, table } from '../lib/table.js';

export default async function user(params, id) {
  const render = view(); // renders only while this page is still the one shown
  const [u, muts] = await Promise.all([api('GET', `/admin/users/${id}`), api('GET', `/admin/users/${id}/mutations?per_page=50`)]);
  const reload = () => render.live() && user(params, id);
  const patch = async (title, message, body, msg, danger = false) => {
    if (await confirm(title, message, { confirmLabel: title.replace('?', ''), danger }) && await run(() => api('PATCH', `/admin/users/${id}`, body), msg)) reload();
  };
  const adjust = async () => {
    const ok = await run(() => dialog(`Adjust the balance of ${u.name}`, [{ name: 'amount', label: 'Amount in Rp (negative to take)', type: 'number', required: true, step: 1 }, { name: 'reason', label: 'Reason', required: true, hint: 'The member sees it in the balance history.' }],
      { intro: `Balance now ${rupiah(u.balance)}. The change is one ledger entry with your reason.`, submitLabel: 'Adjust balance', submit: (v) => api('POST', `/admin/users/${id}/balance-adjustments`, v) }), 'Balance adjusted');
    if (ok) reload();
  };
  render(h('p', {}, h('a', { href: '#/users' }, '← users')), h('h1', {}, u.name, ' ', badge(u.status)),
    h('p', { class: 'muted' }, `${u.email} · ${u.phone || 'no phone'} · ${u.role} · ${u.customer_type} · referred ${u.referral_count} · joined ${jakarta(u.created_at)}`),
    h('div', { class: 'grid' }, stat('Balance', h('span', { id: 'user-balance' }, rupiah(u.balance)))),
    h('div', { class: 'actions' },
      u.customer_type === 'retail' ? h('button', { onclick: () => patch('Promote to reseller?', `${u.name} buys at reseller prices from now on and may create API keys.`, { customer_type: 'reseller' }, 'Now a reseller') }, 'Promote to reseller…')
        : h('button', { class: 'secondary', onclick: () => patch('Make retail?', `${u.name} buys at retail prices from now on; API keys stop working.`, { customer_type: 'retail' }, 'Now retail', true) }, 'Make retail'),
      h('button', { onclick: adjust }, 'Adjust balance…'),
      u.status === 'active' ? h('button', { class: 'danger', id: 'suspend-user', onclick: () => patch('Suspend?', `${u.name} (${u.email}) is logged out everywhere and cannot log in, order or withdraw until reactivated. The balance of ${rupiah(u.balance)} is kept.`, { status: 'suspended' }, 'Suspended', true) }, 'Suspend…')
        : h('button', { class: 'secondary', onclick: () => patch('Reactivate?', `${u.name} can log in and order again.`, { status: 'active' }, 'Reactivated') }, 'Reactivate…'),
      h('a', { href: `#/orders?user_id=${id}` }, 'Orders')),
    h('h2', {}, 'Balance movements'),
    table([{ label: 'When', render: (r) => jakarta(r.created_at), sortValue: (r) => r.created_at }, { label: 'Kind', key: 'kind' }, { label: 'Amount', num: true, render: (r) => rupiah(r.amount), sortValue: (r) => r.amount },
      { label: 'After', num: true, render: (r) => rupiah(r.balance_after), sortValue: (r) => r.balance_after }, { label: 'Order', render: (r) => r.transaction_code ? h('a', { href: `#/order/${r.transaction_code}` }, r.transaction_code) : '' }, { label: 'Description', key: 'description' }], muts.data));
}
