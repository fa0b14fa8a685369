// The order list with filters, the attention list and the refund list.

import { api } from '../lib/api.js';
import { h, render } from '../lib/dom.js';
import { jakarta, rupiah } from '../lib/format.js';
import { go } from '../lib/nav.js';
import { badge, pager, table } from '../lib/table.js';

export default async function orders(params) {
  if (params.get('attention') === '1') {
    const list = await api('GET', `/admin/transactions/attention?page=${params.get('page') || 1}&per_page=25`);
    return render(h('h1', {}, 'Needs attention'), h('p', {}, h('a', { href: '#/orders' }, '← all orders')),
      h('p', { class: 'muted' }, 'Orders lapak could not settle on its own. Open one, deal with it, then resolve it with a note.'),
      table([{ label: 'Code', key: 'transaction_code' }, { label: 'Since', render: (r) => jakarta(r.attention_at) }, { label: 'Why', render: (r) => badge(r.attention) },
        { label: 'Status', render: (r) => badge(r.status) }, { label: 'Total', num: true, render: (r) => rupiah(r.total_price) }, { label: 'Note', key: 'attention_note' }],
      list.data, (r) => go(`#/order/${r.transaction_code}`)),
      pager(list.meta, (p) => { params.set('page', p); go('#/orders?' + params); }));
  }
  if (params.get('refund') === '1') {
    const rows = await api('GET', '/admin/transactions/refund-required');
    return render(h('h1', {}, 'Refund required'), h('p', {}, h('a', { href: '#/orders' }, '← all orders')),
      table([{ label: 'Code', key: 'transaction_code' }, { label: 'Product', key: 'product_name' }, { label: 'Total', num: true, render: (r) => rupiah(r.total_price) },
        { label: 'Customer', render: (r) => r.contact_email || '' }, { label: 'Guest', render: (r) => r.is_guest ? 'yes' : 'no' }, { label: 'Reason', key: 'failed_reason' }],
      rows, (r) => go(`#/order/${r.transaction_code}`)));
  }
  const q = new URLSearchParams({ page: params.get('page') || 1, per_page: 25 });
  for (const k of ['status', 'search', 'from', 'to', 'user_id']) if (params.get(k)) q.set(k, params.get(k));
  const list = await api('GET', `/admin/transactions?${q}`);
  const filters = h('form', { class: 'row', id: 'order-filters', onsubmit: (e) => { e.preventDefault(); const f = new FormData(e.target); const p = new URLSearchParams(); for (const [k, v] of f) if (v) p.set(k, v); go('#/orders?' + p); } },
    h('label', {}, 'Status', h('select', { name: 'status' }, ['', 'pending', 'processing', 'success', 'failed', 'refunded'].map((s) => h('option', { value: s, selected: params.get('status') === s }, s || 'any')))),
    h('label', {}, 'Search (code, customer no., e-mail)', h('input', { name: 'search', value: params.get('search') || '' })),
    h('label', {}, 'From', h('input', { type: 'date', name: 'from', value: params.get('from') || '' })),
    h('label', {}, 'To', h('input', { type: 'date', name: 'to', value: params.get('to') || '' })),
    h('label', {}, 'User id', h('input', { name: 'user_id', value: params.get('user_id') || '', size: 6 })),
    h('button', {}, 'Filter'));
  render(h('h1', {}, 'Orders'), filters,
    table([{ label: 'Code', key: 'transaction_code' }, { label: 'Created', render: (r) => jakarta(r.created_at) }, { label: 'Product', key: 'product_name' },
      { label: 'Customer no.', key: 'customer_no' }, { label: 'Total', num: true, render: (r) => rupiah(r.total_price) },
      { label: 'Payment', render: (r) => badge(r.payment_status) }, { label: 'Status', render: (r) => badge(r.status) }],
    list.data, (r) => go(`#/order/${r.transaction_code}`)),
    pager(list.meta, (p) => { params.set('page', p); go('#/orders?' + params); }));
}
