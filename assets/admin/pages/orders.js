// The order list: views for the day's work (attention, refunds, at the supplier, failed
// at the supplier vs. expired payments, deposits apart from purchases), filters, sorting.

import { api } from '../lib/api.js';
import { h, view } from '../lib/dom.js';
import { jakarta, rupiah } from '../lib/format.js';
import { go } from '../lib/nav.js';
import { badge, pager, table } from '../lib/table.js';

/** Each view: its label and the list's query. */
const VIEWS = {
  all: ['All purchases', { type: 'purchase' }],
  attention: ['Needs attention', { attention: 'true' }],
  refund: ['Refund required', { refund_required: 'true' }],
  supplier: ['At the supplier', { type: 'purchase', status: 'processing' }],
  unpaid: ['Waiting for payment', { type: 'purchase', status: 'pending' }],
  failed: ['Failed at the supplier', { type: 'purchase', status: 'failed', payment_status: 'paid' }],
  expired: ['Expired / unpaid', { type: 'purchase', payment_status: 'expired' }],
  success: ['Delivered', { type: 'purchase', status: 'success' }],
  refunded: ['Refunded', { type: 'purchase', status: 'refunded' }],
  deposits: ['Deposits', { type: 'topup' }],
};

export default async function orders(params) {
  const render = view(); // renders only while this page is still the one shown
  // Old links: ?attention=1 and ?refund=1.
  const chosen = params.get('view') || (params.get('attention') === '1' ? 'attention' : params.get('refund') === '1' ? 'refund' : 'all');
  const [title, base] = VIEWS[chosen] || VIEWS.all;
  const sort = params.get('sort') || 'newest';
  const q = new URLSearchParams({ page: params.get('page') || 1, per_page: 25, sort, ...base });
  for (const k of ['search', 'from', 'to', 'user_id']) if (params.get(k)) q.set(k, params.get(k));
  const list = await api('GET', `/admin/transactions?${q}`);
  const to = (changes) => { const p = new URLSearchParams(params); p.delete('attention'); p.delete('refund'); p.delete('page'); p.delete('focus'); for (const [k, v] of Object.entries(changes)) { if (v) p.set(k, v); else p.delete(k); } go('#/orders?' + p); };
  const filters = h('form', { class: 'row', id: 'order-filters', onsubmit: (e) => { e.preventDefault(); const f = new FormData(e.target); to(Object.fromEntries([...f].map(([k, v]) => [k, v]))); } },
    h('label', {}, 'Show', h('select', { name: 'view', id: 'order-view', onchange: (e) => e.target.form.requestSubmit() }, Object.entries(VIEWS).map(([k, [label]]) => h('option', { value: k, selected: k === chosen }, label)))),
    h('label', {}, 'Search (code, customer no., e-mail, phone)', h('input', { name: 'search', type: 'search', value: params.get('search') || '', placeholder: 'press / to jump here' })),
    h('label', {}, 'From', h('input', { type: 'date', name: 'from', value: params.get('from') || '' })),
    h('label', {}, 'To', h('input', { type: 'date', name: 'to', value: params.get('to') || '' })),
    params.get('user_id') ? h('label', {}, 'User', h('input', { name: 'user_id', value: params.get('user_id'), size: 6 })) : null,
    h('button', {}, 'Filter'));
  const customer = (r) => [r.contact_email, r.contact_phone].filter(Boolean).join(' · ') || (r.user_id ? `user #${r.user_id}` : '');
  render(h('h1', {}, 'Orders: ', title), filters,
    chosen === 'attention' ? h('p', { class: 'muted' }, 'Orders lapak could not settle on its own. Open one, deal with it, then resolve it with a note.') : null,
    chosen === 'refund' ? h('p', { class: 'muted' }, 'Paid orders that failed, whose payer has no balance to refund to (guests): return the money, then mark them refunded.') : null,
    table([{ label: 'Code', key: 'transaction_code', sortable: false },
      { label: 'Created (WIB)', render: (r) => jakarta(r.created_at), serverKey: ['oldest', 'newest'] },
      { label: 'Product', key: 'product_name', sortable: false },
      { label: 'Customer', render: customer },
      { label: 'Customer no.', key: 'customer_no', sortable: false },
      { label: 'Total', num: true, render: (r) => rupiah(r.total_price), serverKey: ['total_asc', 'total_desc'] },
      { label: 'Payment', render: (r) => badge(r.payment_status) },
      { label: 'Status', render: (r) => [badge(r.status), r.attention ? [' ', h('span', { class: 'badge warn', title: r.attention_note || '' }, r.attention.replaceAll('_', ' '))] : null, r.refund_required ? [' ', badge('refund required')] : null] }],
    list.data, (r) => go(`#/order/${r.transaction_code}`), { serverSort: { value: sort, onSort: (s) => to({ sort: s }) }, empty: 'No orders match.' }),
    pager(list.meta, (p) => { params.set('page', p); go('#/orders?' + params); }));
  if (params.get('focus') === 'search') document.querySelector('#order-filters input[name=search]')?.focus();
}
