// One order: what happened to it, and what an admin can do about it.

import { api } from '../lib/api.js';
import { dialog } from '../lib/dialog.js';
import { h, render, run, stat } from '../lib/dom.js';
import { jakarta, rupiah } from '../lib/format.js';
import { badge, table } from '../lib/table.js';

export default async function order(params, code) {
  const o = await api('GET', `/admin/transactions/${code}`);
  const act = (label, fn, cls) => h('button', { class: cls, onclick: async () => { await run(fn, `${label}: done`); order(params, code); } }, label);
  const actions = h('div', { class: 'actions' },
    o.status === 'processing' ? act('Re-check supplier', () => api('POST', `/admin/transactions/${code}/recheck`)) : null,
    o.status === 'processing' ? act('Retry (same ref_id)', () => api('POST', `/admin/transactions/${code}/retry`)) : null,
    o.status === 'failed' && o.payment_status === 'paid' && !o.refund_required && o.payer_user_id ? act('Refund to balance', () => api('POST', `/admin/transactions/${code}/refund`)) : null,
    o.refund_required ? act('Mark refunded…', async () => { const v = await dialog('Mark refunded', [{ name: 'note', label: 'Note (how the money went back)', required: true }]); if (v) return api('POST', `/admin/transactions/${code}/mark-refunded`, v); }, 'secondary') : null,
    o.attention ? act('Resolve…', async () => { const v = await dialog('Resolve attention', [{ name: 'note', label: 'What you did about it', required: true }]); if (v) return api('POST', `/admin/transactions/${code}/resolve`, v); }, 'secondary') : null,
    ['pending', 'processing'].includes(o.status) ? act('Set status…', async () => {
      const fields = [{ name: 'status', label: 'New status', type: 'select', options: o.status === 'pending' ? ['failed'] : ['success', 'failed'] }, { name: 'reason', label: 'Reason', required: true }];
      if (o.status === 'processing') fields.push({ name: 'sn', label: 'SN / token (when setting success)' }, { name: 'force', label: "Fail without asking the supplier first (it may still deliver: a late delivery is put on the attention list)", type: 'checkbox' });
      const v = await dialog('Set status', fields);
      if (v) { if (!v.sn) delete v.sn; return api('POST', `/admin/transactions/${code}/status`, v); }
    }, 'secondary') : null);
  const p = o.payment;
  render(h('p', {}, h('a', { href: '#/orders' }, '← orders')),
    h('h1', {}, `Order ${o.transaction_code} `, badge(o.status)),
    o.attention ? h('div', { class: 'alert', id: 'order-attention' }, h('strong', {}, `Needs attention: ${o.attention.replaceAll('_', ' ')}. `), o.attention_note || '') : null,
    o.late_paid_at ? h('div', { class: 'alert' }, `Paid late (${jakarta(o.late_paid_at)}), after the order was closed: the money goes back to whoever paid.`) : null,
    actions,
    h('div', { class: 'grid' },
      stat('Total', rupiah(o.total_price), h('div', { class: 'muted' }, `price ${rupiah(o.product_price)} − discount ${rupiah(o.discount_amount)} + fee ${rupiah(o.admin_fee)}`)),
      stat('Supplier cost', rupiah(o.base_price), o.supplier_price !== null && o.supplier_price !== undefined ? h('div', { class: o.supplier_price > o.base_price ? 'error' : 'muted' }, `charged ${rupiah(o.supplier_price)}`) : null),
      stat('Payment', o.payment_method || '', badge(o.payment_status)),
      stat('SN / token', h('span', { id: 'order-sn' }, o.sn || '—'))),
    h('div', { class: 'two' },
      h('div', { class: 'card' }, h('h2', {}, 'Order'), h('div', {}, `${o.product_name || ''}`), h('div', {}, `Customer no.: ${o.customer_no || ''}`),
        h('div', {}, `Contact: ${o.contact_email || ''} ${o.contact_phone || ''}`), h('div', {}, `Created ${jakarta(o.created_at)}`),
        o.failed_reason ? h('div', { class: 'error' }, o.failed_reason) : null,
        o.bill ? h('div', { id: 'order-bill' }, h('h3', {}, 'Bill'),
          h('div', {}, `${o.bill.customer_name} · ${o.bill.period} · ${o.bill.sheets} sheet(s)`),
          h('div', {}, `Bills ${rupiah(o.bill.bill_amount)} + admin ${rupiah(o.bill.admin_fee)} = ${rupiah(o.bill.total)}`),
          h('div', { class: 'muted' }, `Digiflazz ref_id ${o.inquiry_ref || ''}`)) : null),
      h('div', { class: 'card' }, h('h2', {}, 'Payment'), p ? [h('div', {}, `${p.channel} · ref ${p.reference}`), h('div', {}, `Amount ${rupiah(p.amount)} + fee ${rupiah(p.fee)} = ${rupiah(p.total_amount)}`),
        h('div', {}, `Status `, badge(p.status)), p.pay_code ? h('div', {}, `Pay code ${p.pay_code}`) : null, p.paid_at ? h('div', {}, `Paid ${jakarta(p.paid_at)}`) : null] : h('div', { class: 'muted' }, 'Paid from balance'))),
    h('h2', {}, 'History'), table([{ label: 'When', render: (r) => jakarta(r.created_at) }, { label: 'From', key: 'status_from' }, { label: 'To', render: (r) => badge(r.status_to) }, { label: 'Why', key: 'message' }], o.logs),
    h('h2', {}, 'Supplier answers'), table([{ label: 'When', render: (r) => jakarta(r.created_at) }, { label: 'Kind', key: 'kind' }, { label: 'Outcome', render: (r) => badge(r.outcome) }, { label: 'rc', key: 'rc' }, { label: 'Message', key: 'message' }], o.supplier_calls),
    h('h2', {}, 'Payment callbacks'), table([{ label: 'When', render: (r) => jakarta(r.created_at) }, { label: 'Valid', render: (r) => r.is_valid ? 'yes' : 'no' }, { label: 'Outcome', key: 'outcome' }, { label: 'Body', render: (r) => h('pre', {}, r.callback_data) }], o.callbacks));
}
