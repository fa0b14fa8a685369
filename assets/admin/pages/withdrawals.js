// Withdrawals: approve (one or many), complete, reject; each says whose money and how much.

import { api } from '../lib/api.js';
import { confirm, dialog } from '../lib/dialog.js';
import { h, run, toast, view } from '../lib/dom.js';
import { jakarta, rupiah } from '../lib/format.js';
import { go } from '../lib/nav.js';
import { badge, table } from '../lib/table.js';

const WHAT = {
  approve: (w) => `Approve ${rupiah(w.amount)} for ${w.user_name || 'user #' + w.user_id}: you will send it to ${w.payment_method} ${w.account_number} (${w.account_name}), then mark it completed.`,
  complete: (w) => `Mark ${rupiah(w.amount)} to ${w.payment_method} ${w.account_number} (${w.account_name}) as sent. The member is told it arrived.`,
  reject: (w) => `Reject the withdrawal of ${rupiah(w.amount)}: the amount goes back to the balance of ${w.user_name || 'user #' + w.user_id}.`,
};
const DONE = { approve: 'approved', complete: 'completed', reject: 'rejected' };

export default async function withdrawals(params) {
  const render = view(); // renders only while this page is still the one shown
  const status = params.get('status') || '';
  const list = await api('GET', `/admin/withdrawals?per_page=100${status ? '&status=' + status : ''}`);
  const move = async (w, to) => {
    const ok = await run(() => dialog(`${to[0].toUpperCase() + to.slice(1)} ${w.reference_id}?`, [{ name: 'note', label: to === 'reject' ? 'Reason (the member sees it)' : 'Note', required: to === 'reject' }],
      { intro: WHAT[to](w), submitLabel: to[0].toUpperCase() + to.slice(1), danger: to === 'reject', submit: (v) => api('POST', `/admin/withdrawals/${w.id}/${to}`, v) }), `Withdrawal ${w.reference_id} ${DONE[to]}`);
    if (ok) render.live() && withdrawals(params);
  };
  const approveAll = async (rows) => {
    const pending = rows.filter((r) => r.status === 'pending');
    if (!pending.length) return toast('None of the selected withdrawals is pending.', true);
    const total = pending.reduce((s, r) => s + r.amount, 0);
    const sure = await confirm(`Approve ${pending.length} withdrawal(s)?`, `${rupiah(total)} in all:\n${pending.map((r) => `${r.reference_id}: ${rupiah(r.amount)} to ${r.payment_method} ${r.account_number} (${r.user_name || 'user #' + r.user_id})`).join('\n')}`, { confirmLabel: `Approve ${rupiah(total)}`, danger: false });
    if (!sure) return;
    let done = 0;
    for (const r of pending) if (await run(() => api('POST', `/admin/withdrawals/${r.id}/approve`, {}))) done++;
    toast(`${done} of ${pending.length} withdrawal(s) approved`);
    render.live() && withdrawals(params);
  };
  render(h('h1', {}, 'Withdrawals'), h('p', { class: 'muted' }, 'Pending first. The amount is held from the balance; a rejection returns it.'),
    h('form', { class: 'row', onsubmit: (e) => e.preventDefault() }, h('label', {}, 'Status', h('select', { name: 'status', onchange: (e) => go('#/withdrawals' + (e.target.value ? '?status=' + e.target.value : '')) },
      ['', 'pending', 'approved', 'completed', 'rejected'].map((s) => h('option', { value: s, selected: s === status }, s || 'any'))))),
    table([{ label: 'Reference', key: 'reference_id' }, { label: 'Requested', render: (r) => jakarta(r.created_at), sortValue: (r) => r.created_at },
      { label: 'Member', render: (r) => h('a', { href: `#/user/${r.user_id}` }, r.user_name || `user #${r.user_id}`), sortValue: (r) => r.user_name },
      { label: 'Amount', num: true, render: (r) => rupiah(r.amount), sortValue: (r) => r.amount },
      { label: 'To', render: (r) => `${r.payment_method} ${r.account_number} (${r.account_name})` }, { label: 'Status', render: (r) => badge(r.status), sortValue: (r) => r.status },
      { label: 'Note', key: 'admin_note' }, { label: 'Act', render: (r) => h('div', { class: 'actions' },
        r.status === 'pending' ? h('button', { onclick: () => move(r, 'approve') }, 'Approve') : null,
        r.status === 'approved' ? h('button', { onclick: () => move(r, 'complete') }, 'Complete') : null,
        ['pending', 'approved'].includes(r.status) ? h('button', { class: 'danger', onclick: () => move(r, 'reject') }, 'Reject') : null) }],
    list.data, null, { bulk: [{ label: 'Approve selected', run: approveAll }], empty: 'No withdrawals.' }));
}
