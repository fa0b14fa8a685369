// Vouchers and their uses.

import { api } from '../lib/api.js';
import { dialog } from '../lib/dialog.js';
import { h, render, run } from '../lib/dom.js';
import { jakarta, rupiah } from '../lib/format.js';
import { badge, table } from '../lib/table.js';

export default async function vouchers() {
  const list = await api('GET', '/admin/vouchers');
  const form = (v = {}) => [{ name: 'code', label: 'Code', value: v.code || '', required: true }, { name: 'name', label: 'Name', value: v.name || '', required: true },
    { name: 'type', label: 'Type', type: 'select', options: ['percentage', 'fixed'], value: v.type }, { name: 'value', label: 'Value (percent or Rp)', type: 'number', value: v.value ?? '' },
    { name: 'max_discount', label: 'Max discount (Rp)', type: 'number', value: v.max_discount ?? '' }, { name: 'min_transaction', label: 'Min purchase (Rp)', type: 'number', value: v.min_transaction ?? 0 },
    { name: 'usage_limit', label: 'Total uses (empty: unlimited)', type: 'number', value: v.usage_limit ?? '' }, { name: 'user_limit', label: 'Uses per user', type: 'number', value: v.user_limit ?? 1 },
    { name: 'customer_type', label: 'For', type: 'select', options: ['all', 'retail', 'reseller'], value: v.customer_type }, { name: 'is_public', label: 'Listed publicly', type: 'checkbox', value: v.is_public }];
  const clean = (v) => { for (const k of Object.keys(v)) if (v[k] === null || v[k] === '') delete v[k]; return v; };
  const create = async () => { const v = await dialog('New voucher', form()); if (v) { await run(() => api('POST', '/admin/vouchers', clean(v)), 'Voucher created'); vouchers(); } };
  const edit = async (r) => {
    const v = await dialog(`Edit ${r.code}`, form(r).filter((f) => f.name !== 'code'));
    if (v) { await run(() => api('PATCH', `/admin/vouchers/${r.id}`, clean(v)), 'Voucher saved'); vouchers(); }
  };
  const usages = async (r) => {
    const rows = await api('GET', `/admin/vouchers/${r.id}/usages`);
    document.getElementById('usages').replaceChildren(h('h2', {}, `Uses of ${r.code}`),
      table([{ label: 'When', render: (u) => jakarta(u.created_at) }, { label: 'User', key: 'user_email' }, { label: 'Order', render: (u) => h('a', { href: `#/order/${u.transaction_code}` }, u.transaction_code) },
        { label: 'Discount', num: true, render: (u) => rupiah(u.discount_amount) }, { label: 'Released', render: (u) => u.released_at ? 'yes (order not paid)' : '' }], rows));
  };
  render(h('h1', {}, 'Vouchers'), h('div', { class: 'actions' }, h('button', { id: 'new-voucher', onclick: create }, 'New voucher')),
    table([{ label: 'Code', key: 'code' }, { label: 'Name', key: 'name' }, { label: 'Discount', render: (r) => r.type === 'percentage' ? `${r.value} %` : rupiah(r.value) },
      { label: 'Used', num: true, render: (r) => `${r.usage_count}${r.usage_limit != null ? ' / ' + r.usage_limit : ''}` }, { label: 'For', key: 'customer_type' },
      { label: 'Active', render: (r) => r.is_active ? h('button', { class: 'secondary', onclick: async (e) => { e.stopPropagation(); await run(() => api('DELETE', `/admin/vouchers/${r.id}`), 'Deactivated'); vouchers(); } }, 'Deactivate') : badge('inactive') },
      { label: '', render: (r) => h('button', { class: 'secondary', onclick: (e) => { e.stopPropagation(); usages(r); } }, 'Uses') }],
    list, edit), h('div', { id: 'usages' }));
}
