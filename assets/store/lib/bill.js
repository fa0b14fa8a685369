// A bill's details as the API types them (BillView): whose it is, the periods with
// their amounts and PLN meter readings, the product's own facts, the fee and total.
// Shown on the bill page before paying and on the order's receipt.

import { t } from './i18n.js';
import { h } from '/admin/lib/dom.js';
import { rupiah } from '/admin/lib/format.js';

const FACTS = [['tariff', 'Tarif'], ['power', 'Daya'], ['address', 'Alamat'], ['due_date', 'Jatuh tempo'],
  ['participants', 'Peserta'], ['item_name', 'Barang'], ['plate_no', 'No. polisi'], ['tenor', 'Tenor']];

export function billDetails(b, id = 'bill') {
  const meters = b.details.some((d) => d.meter_start || d.meter_end);
  return h('section', { class: 'card', id },
    h('h2', {}, t('bill')),
    h('dl', { class: 'facts' },
      h('dt', {}, t('billName')), h('dd', { id: `${id}-name` }, b.customer_name),
      h('dt', {}, t('customerNo')), h('dd', {}, b.customer_no),
      h('dt', {}, t('period')), h('dd', { id: `${id}-period` }, b.period),
      ...FACTS.filter(([k]) => b[k]).map(([k, label]) => [h('dt', {}, label), h('dd', {}, b[k])])),
    b.details.length ? h('table', { class: 'bill-periods' },
      h('thead', {}, h('tr', {}, h('th', {}, t('period')), h('th', {}, t('billAmount')), h('th', {}, t('penalty')),
        meters ? h('th', {}, t('meter')) : null)),
      h('tbody', {}, ...b.details.map((d) => h('tr', {},
        h('td', {}, d.period), h('td', {}, rupiah(d.amount + d.other_fees)), h('td', {}, rupiah(d.penalty)),
        meters ? h('td', {}, `${d.meter_start || '-'} – ${d.meter_end || '-'}`) : null)))) : null,
    h('div', { class: 'row muted' }, h('span', {}, t('billAmount')), h('span', {}, rupiah(b.bill_amount))),
    h('div', { class: 'row muted' }, h('span', {}, t('adminFee')), h('span', {}, rupiah(b.admin_fee))),
    h('div', { class: 'total' }, h('span', {}, t('total')), h('span', { id: `${id}-total` }, rupiah(b.total))));
}
