// Withdrawals: approve, complete, reject.

import { api } from '../lib/api.js';
import { dialog } from '../lib/dialog.js';
import { h, render, run } from '../lib/dom.js';
import { rupiah } from '../lib/format.js';
import { badge, table } from '../lib/table.js';

export default async function withdrawals(params) {
  const list = await api('GET', `/admin/withdrawals?per_page=50${params.get('status') ? '&status=' + params.get('status') : ''}`);
  const move = async (w, to) => {
    const v = await dialog(`${to} ${w.reference_id}`, [{ name: 'note', label: 'Note' }], to);
    if (v) { await run(() => api('POST', `/admin/withdrawals/${w.id}/${to}`, v), `Withdrawal ${to}d`); withdrawals(params); }
  };
  render(h('h1', {}, 'Withdrawals'), h('p', { class: 'muted' }, 'Pending first. The amount is held from the balance; a rejection returns it.'),
    table([{ label: 'Reference', key: 'reference_id' }, { label: 'User', key: 'user_id' }, { label: 'Amount', num: true, render: (r) => rupiah(r.amount) },
      { label: 'To', render: (r) => `${r.payment_method} ${r.account_number} (${r.account_name})` }, { label: 'Status', render: (r) => badge(r.status) },
      { label: 'Note', key: 'admin_note' }, { label: '', render: (r) => h('div', { class: 'actions' },
        r.status === 'pending' ? h('button', { onclick: () => move(r, 'approve') }, 'Approve') : null,
        r.status === 'approved' ? h('button', { onclick: () => move(r, 'complete') }, 'Complete') : null,
        ['pending', 'approved'].includes(r.status) ? h('button', { class: 'danger', onclick: () => move(r, 'reject') }, 'Reject') : null) }], list.data));
}
