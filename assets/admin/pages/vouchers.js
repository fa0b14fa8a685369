// Vouchers and their uses: create, edit (validity window in WIB), switch off and on again.

import { api } from '../lib/api.js';
import { confirm, dialog } from '../lib/dialog.js';
import { h, run, view } from '../lib/dom.js';
import { fromLocalInput, jakarta, rupiah, toLocalInput } from '../lib/format.js';
import { badge, table } from '../lib/table.js';

export default async function vouchers() {
  const render = view(); // renders only while this page is still the one shown
  const list = await api('GET', '/admin/vouchers');
  const form = (v = {}) => [{ name: 'code', label: 'Code', value: v.code || '', required: true, hint: 'What customers type at checkout (letters and digits).' },
    { name: 'name', label: 'Name', value: v.name || '', required: true },
    { name: 'type', label: 'Discount kind', type: 'select', options: [{ value: 'percentage', label: 'Percent of the price' }, { value: 'fixed', label: 'Fixed amount (Rp)' }], value: v.type },
    { name: 'value', label: 'Discount (percent, or Rp)', type: 'number', value: v.value ?? '', required: true, min: 1 },
    { name: 'max_discount', label: 'Largest discount (Rp, empty: no cap)', type: 'number', value: v.max_discount ?? '' },
    { name: 'min_transaction', label: 'Smallest purchase (Rp)', type: 'number', value: v.min_transaction ?? 0 },
    { name: 'usage_limit', label: 'Total uses (empty: unlimited)', type: 'number', value: v.usage_limit ?? '' },
    { name: 'user_limit', label: 'Uses per customer', type: 'number', value: v.user_limit ?? 1 },
    { name: 'customer_type', label: 'For', type: 'select', options: [{ value: 'all', label: 'Everyone' }, { value: 'retail', label: 'Retail customers' }, { value: 'reseller', label: 'Resellers' }], value: v.customer_type },
    { name: 'start_date', label: 'Valid from (WIB, empty: now)', type: 'datetime-local', value: toLocalInput(v.start_date) },
    { name: 'end_date', label: 'Valid until (WIB, empty: no end)', type: 'datetime-local', value: toLocalInput(v.end_date) },
    { name: 'is_public', label: 'Listed publicly', type: 'checkbox', value: v.is_public }];
  // An emptied field: left out of a new voucher; on an edit, the optional ones are sent
  // as null, which removes them (no cap, unlimited, no window), as their labels say.
  const optional = ['max_discount', 'usage_limit', 'start_date', 'end_date'];
  const clean = (v, editing = false) => {
    v.start_date = fromLocalInput(v.start_date); v.end_date = fromLocalInput(v.end_date);
    for (const k of Object.keys(v)) if (v[k] === null || v[k] === '') { if (editing && optional.includes(k)) v[k] = null; else delete v[k]; }
    return v;
  };
  const create = async () => { if (await run(() => dialog('New voucher', form(), { submitLabel: 'Create voucher', submit: (v) => api('POST', '/admin/vouchers', clean(v)) }), (r) => `Voucher ${r.code} created`)) render.live() && vouchers(); };
  const edit = async (r) => {
    if (await run(() => dialog(`Edit ${r.code}`, form(r).filter((f) => f.name !== 'code'), { submit: (v) => api('PATCH', `/admin/vouchers/${r.id}`, clean(v, true)) }), 'Voucher saved')) render.live() && vouchers();
  };
  const switchOff = async (r) => {
    const sure = await confirm(`Deactivate ${r.code}?`, `Customers can no longer use ${r.code} (${r.name}); it was used ${r.usage_count} time(s). Orders already placed keep their discount. You can activate it again later.`, { confirmLabel: 'Deactivate' });
    if (sure && await run(() => api('DELETE', `/admin/vouchers/${r.id}`), `${r.code} deactivated`)) render.live() && vouchers();
  };
  const switchOn = async (r) => {
    const sure = await confirm(`Activate ${r.code} again?`, `Customers can use ${r.code} again, within its window and limits.`, { confirmLabel: 'Activate', danger: false });
    if (sure && await run(() => api('PATCH', `/admin/vouchers/${r.id}`, { is_active: true }), `${r.code} active again`)) render.live() && vouchers();
  };
  const usages = async (r) => {
    const rows = await api('GET', `/admin/vouchers/${r.id}/usages`);
    document.getElementById('usages').replaceChildren(h('h2', {}, `Uses of ${r.code}`),
      table([{ label: 'When', render: (u) => jakarta(u.created_at), sortValue: (u) => u.created_at }, { label: 'User', key: 'user_email' }, { label: 'Order', render: (u) => h('a', { href: `#/order/${u.transaction_code}` }, u.transaction_code) },
        { label: 'Discount', num: true, render: (u) => rupiah(u.discount_amount), sortValue: (u) => u.discount_amount }, { label: 'Released', render: (u) => u.released_at ? 'yes (order not paid)' : '' }], rows));
  };
  const validity = (r) => r.start_date || r.end_date ? `${r.start_date ? jakarta(r.start_date) : 'now'} → ${r.end_date ? jakarta(r.end_date) : 'no end'}` : 'always';
  render(h('h1', {}, 'Vouchers'), h('div', { class: 'actions' }, h('button', { id: 'new-voucher', onclick: create }, 'New voucher')),
    table([{ label: 'Code', key: 'code' }, { label: 'Name', key: 'name' }, { label: 'Discount', render: (r) => r.type === 'percentage' ? `${r.value} %${r.max_discount ? ' up to ' + rupiah(r.max_discount) : ''}` : rupiah(r.value), sortValue: (r) => r.value },
      { label: 'Used', num: true, render: (r) => `${r.usage_count}${r.usage_limit != null ? ' / ' + r.usage_limit : ''}`, sortValue: (r) => r.usage_count }, { label: 'For', key: 'customer_type' },
      { label: 'Valid', render: validity, sortValue: (r) => r.end_date || '' },
      { label: 'Active', render: (r) => r.is_active ? [badge('active'), ' ', h('button', { class: 'secondary', onclick: () => switchOff(r) }, 'Deactivate')]
        : [badge('inactive'), ' ', h('button', { class: 'secondary', onclick: () => switchOn(r) }, 'Activate')], sortValue: (r) => (r.is_active ? 1 : 0) },
      { label: '', render: (r) => h('button', { class: 'secondary', onclick: () => usages(r) }, 'Uses') }],
    list, edit), h('div', { id: 'usages' }));
}
