// One order: what happened to it, and what an admin can do about it. The buttons are
// the moves lapak says are legal now (`actions`); each says what it will do and asks first.

import { api } from '../lib/api.js';
import { confirm, dialog } from '../lib/dialog.js';
import { h, run, stat, view } from '../lib/dom.js';
import { jakarta, rupiah } from '../lib/format.js';
import { badge, folded, table } from '../lib/table.js';

export default async function order(params, code) {
  const render = view(); // renders only while this page is still the one shown
  const o = await api('GET', `/admin/transactions/${code}`);
  const reload = () => render.live() && order(params, code);
  const path = (p) => `/admin/transactions/${code}/${p}`;
  const who = o.contact_email || o.contact_phone || (o.payer_user_id ? `user #${o.payer_user_id}` : 'the customer');
  const paid = o.payment ? o.payment.total_amount : o.total_price;
  const act = (label, fn, cls, id) => h('button', { class: cls, id, onclick: async () => { if ((await run(fn, `${label.replace('…', '')}: done`)) !== undefined) reload(); } }, label);
  const moves = {
    recheck: () => act('Re-check supplier', async () => (await confirm('Re-check with Digiflazz?', `Asks Digiflazz for the status of ${code} now (same ref_id) and applies its answer.`, { confirmLabel: 'Re-check', danger: false })) && api('POST', path('recheck')), 'secondary', 'act-recheck'),
    retry: () => act('Retry (same ref_id)…', async () => (await confirm('Send the order again?', `Sends ${code} to Digiflazz again under the same ref_id ${code}. Digiflazz answers a duplicate with the first outcome; nothing is charged twice.`, { confirmLabel: 'Retry' })) && api('POST', path('retry')), 'secondary', 'act-retry'),
    succeed: () => act('Mark success…', () => dialog(`Mark ${code} delivered`, [
      { name: 'sn', label: 'SN / token the customer gets', required: true }, { name: 'reason', label: 'Reason', required: true, hint: 'Kept in the order history and the activity log.' }],
    { intro: `The order becomes success and ${who} is told it was delivered. Nothing is refunded.`, submitLabel: 'Mark success', submit: (v) => api('POST', path('status'), { status: 'success', ...v }) }), null, 'act-succeed'),
    fail: () => act('Fail order…', () => {
      const processing = o.status === 'processing';
      const money = o.payment_status === 'paid' ? (o.payer_is_member ? `${rupiah(o.total_price)} goes back to the payer's balance.` : `${rupiah(paid)} must be refunded by hand (the order goes on the refund list).`) : 'Nothing was paid.';
      const fields = [{ name: 'reason', label: 'Reason', required: true }];
      if (processing) fields.push({ name: 'force', label: 'Fail without asking Digiflazz first (it may still deliver: a late delivery goes on the attention list)', type: 'checkbox' });
      return dialog(`Fail ${code}?`, fields, { intro: `${processing ? 'Digiflazz is asked first; the order fails only if it confirms the failure. ' : ''}${money}`, submitLabel: 'Fail order', danger: true,
        submit: (v) => api('POST', path('status'), { status: 'failed', reason: v.reason, force: !!v.force }) });
    }, 'danger', 'act-fail'),
    refund_to_balance: () => act('Refund to balance…', async () => (await confirm('Refund to balance?', `${rupiah(o.total_price)} goes back to the balance of user #${o.payer_user_id} (${who}). The order becomes refunded.`, { confirmLabel: `Refund ${rupiah(o.total_price)}` })) && api('POST', path('refund')), null, 'act-refund'),
    mark_refunded: () => act('Mark refunded…', () => dialog('Mark refunded', [{ name: 'note', label: 'Note (how the money went back)', required: true }],
      { intro: `Records that ${rupiah(paid)} went back to ${who} outside lapak (bank transfer, e-wallet). The order leaves the refund list.`, submitLabel: 'Mark refunded', submit: (v) => api('POST', path('mark-refunded'), v) }), 'secondary', 'act-mark-refunded'),
    resolve: () => act('Resolve…', () => dialog('Resolve attention', [{ name: 'note', label: 'What you did about it', required: true }],
      { intro: 'Takes the order off the attention list. Its status and money do not change.', submitLabel: 'Resolve', submit: (v) => api('POST', path('resolve'), v) }), 'secondary', 'act-resolve'),
  };
  const p = o.payment;
  render(h('p', {}, h('a', { href: '#/orders' }, '← orders')),
    h('h1', {}, `Order ${o.transaction_code} `, badge(o.status)),
    o.attention ? h('div', { class: 'alert', id: 'order-attention' }, h('strong', {}, `Needs attention: ${o.attention.replaceAll('_', ' ')}. `), o.attention_note || '') : null,
    o.late_paid_at ? h('div', { class: 'alert' }, `Paid late (${jakarta(o.late_paid_at)}), after the order was closed: the money goes back to whoever paid.`) : null,
    h('div', { class: 'actions', id: 'order-actions' }, (o.actions || []).map((m) => moves[m]?.()),
      (o.actions || []).length ? null : h('span', { class: 'muted' }, 'No action possible: this order is settled.')),
    h('div', { class: 'grid' },
      stat('Total', rupiah(o.total_price), h('div', { class: 'muted' }, `price ${rupiah(o.product_price)} − discount ${rupiah(o.discount_amount)} + fee ${rupiah(o.admin_fee)}`)),
      stat('Supplier cost', rupiah(o.base_price), o.supplier_price !== null && o.supplier_price !== undefined ? h('div', { class: o.supplier_price > o.base_price ? 'error' : 'muted' }, `charged ${rupiah(o.supplier_price)}`) : null),
      stat('Payment', o.payment_method || '', badge(o.payment_status)),
      stat('SN / token', h('span', { id: 'order-sn' }, o.sn || '—'))),
    h('div', { class: 'two' },
      h('div', { class: 'card' }, h('h2', {}, 'Order'), h('dl', { class: 'facts' },
        h('dt', {}, 'Product'), h('dd', {}, o.product_name || ''), h('dt', {}, 'Customer no.'), h('dd', {}, o.customer_no || ''),
        h('dt', {}, 'Contact'), h('dd', {}, [o.contact_email, o.contact_phone].filter(Boolean).join(' · ') || '—'),
        h('dt', {}, 'Account'), h('dd', {}, o.user_id ? h('a', { href: `#/user/${o.user_id}` }, `user #${o.user_id}`) : 'guest'),
        h('dt', {}, 'Created'), h('dd', {}, jakarta(o.created_at))),
        o.failed_reason ? h('p', { class: 'error' }, o.failed_reason) : null,
        o.bill ? h('div', { id: 'order-bill' }, h('h3', {}, 'Bill'),
          h('div', {}, `${o.bill.customer_name} · ${o.bill.period} · ${o.bill.sheets} sheet(s)`),
          h('div', {}, `Bills ${rupiah(o.bill.bill_amount)} + admin ${rupiah(o.bill.admin_fee)} = ${rupiah(o.bill.total)}`),
          h('div', { class: 'muted' }, `Digiflazz ref_id ${o.inquiry_ref || ''}`)) : null),
      h('div', { class: 'card' }, h('h2', {}, 'Payment'), p ? h('dl', { class: 'facts' },
        h('dt', {}, 'Channel'), h('dd', {}, p.channel), h('dt', {}, 'Reference'), h('dd', {}, p.reference),
        h('dt', {}, 'Amount'), h('dd', {}, `${rupiah(p.amount)} + fee ${rupiah(p.fee)} = ${rupiah(p.total_amount)}`),
        h('dt', {}, 'Status'), h('dd', {}, badge(p.status)), p.pay_code ? [h('dt', {}, 'Pay code'), h('dd', {}, p.pay_code)] : null,
        p.paid_at ? [h('dt', {}, 'Paid'), h('dd', {}, jakarta(p.paid_at))] : null) : h('div', { class: 'muted' }, 'Paid from balance'))),
    h('h2', {}, 'History'), table([{ label: 'When', render: (r) => jakarta(r.created_at), sortValue: (r) => r.created_at }, { label: 'From', key: 'status_from' }, { label: 'To', render: (r) => badge(r.status_to) }, { label: 'Why', key: 'message' }], o.logs),
    h('h2', {}, 'Supplier answers'), table([{ label: 'When', render: (r) => jakarta(r.created_at), sortValue: (r) => r.created_at }, { label: 'Kind', key: 'kind' }, { label: 'Outcome', render: (r) => badge(r.outcome) }, { label: 'rc', key: 'rc' }, { label: 'Message', key: 'message' }], o.supplier_calls),
    h('h2', {}, 'Payment callbacks'), table([{ label: 'When', render: (r) => jakarta(r.created_at), sortValue: (r) => r.created_at }, { label: 'Valid', render: (r) => r.is_valid ? 'yes' : 'no' }, { label: 'Outcome', key: 'outcome' },
      { label: 'Body', render: (r) => folded(r.callback_data, `${r.callback_data.length} bytes`) }], o.callbacks));
}
