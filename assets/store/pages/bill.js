// A bill product (PLN postpaid, PDAM, BPJS ...): the customer ID, "check the bill" (an
// inquiry that quotes it: name, periods, meter readings, fee, total), then a payment
// method and the buyer's contact, and pay the quote. The total is the quote's; a quote
// that expired is checked again.

import { api, session } from '../lib/api.js';
import { billDetails } from '../lib/bill.js';
import { t } from '../lib/i18n.js';
import { navigate } from '../lib/nav.js';
import { h, render } from '/admin/lib/dom.js';
import { jakarta, rupiah } from '/admin/lib/format.js';

export default function bill(p) {
  document.title = p.name;
  const member = !!session.token;
  const items = p.items.filter((it) => it.is_orderable);
  let item = items[0] || null;
  let quote = null;
  let channel = null;
  let attemptKey = null;

  const fields = p.input_fields.map((f) => {
    const id = `f-${f.name}`;
    const input = h('input', { id, name: f.name, inputmode: 'numeric', autocomplete: 'off', required: f.required,
      placeholder: f.placeholder || null, 'aria-describedby': `${id}-err` });
    input.addEventListener('input', () => { quote = null; shown.replaceChildren(); payPart.hidden = true; });
    return { f, input, err: h('div', { class: 'field-error', role: 'alert', id: `${id}-err` }) };
  });
  const choice = items.length > 1 ? h('fieldset', { class: 'options', id: 'items' }, h('legend', { class: 'muted' }, t('chooseItem')),
    ...items.map((it, i) => h('label', { class: 'option' },
      h('input', { type: 'radio', name: 'item', value: it.id, checked: i === 0, onchange: () => { item = it; quote = null; shown.replaceChildren(); payPart.hidden = true; } }),
      h('span', {}, it.name)))) : null;
  const checkErr = h('div', { class: 'field-error', role: 'alert', id: 'check-err' });
  const check = h('button', { type: 'button', class: 'wide', id: 'check-bill', onclick: () => inquire() }, t('checkBill'));
  const shown = h('div', { id: 'bill-box' });
  const channels = h('fieldset', { class: 'options list', id: 'channels' }, h('legend', { class: 'muted' }, t('payWith')));
  const payErr = h('div', { class: 'field-error', role: 'alert', id: 'pay-err' });
  const formErr = h('div', { class: 'field-error', role: 'alert', id: 'form-err' });
  const contact = member ? [] : [['customer_name', t('name'), 'text', 'name'], ['customer_email', t('email'), 'email', 'email']]
    .map(([name, label, type, ac]) => {
      const input = h('input', { id: `f-${name}`, name, type, autocomplete: ac, required: true });
      return { name, label, input, err: h('div', { class: 'field-error', role: 'alert', id: `f-${name}-err` }) };
    });
  const pay = h('button', { type: 'submit', class: 'wide', id: 'pay-bill' }, t('payBill'));
  const payPart = h('div', { hidden: true, id: 'pay-part' },
    h('section', { class: 'card' }, channels, payErr),
    contact.length ? h('section', { class: 'card' }, h('h2', {}, t('contact')),
      ...contact.map((c) => [h('label', { for: c.input.id }, c.label), c.input, c.err])) : null,
    h('section', { class: 'card' }, formErr, pay));

  async function inquire() {
    for (const b of fields) b.err.textContent = '';
    checkErr.textContent = '';
    const missing = fields.find((b) => b.f.required && !b.input.value.trim());
    if (missing) { missing.err.textContent = t('required'); missing.input.focus(); return; }
    if (!item) { checkErr.textContent = t('unavailable'); return; }
    check.disabled = true;
    try {
      quote = await api('POST', '/bills/inquiry', { product_item_id: item.id,
        customer_data: Object.fromEntries(fields.map((b) => [b.f.name, b.input.value.trim()])) });
      attemptKey = null;
      shown.replaceChildren(billDetails(quote.bill),
        h('p', { class: 'muted', id: 'quote-until' }, `${t('quoteUntil')} ${jakarta(quote.expires_at)}`));
      await loadChannels();
      payPart.hidden = false;
    } catch (err) {
      const name = (err.body?.field || '').replace(/^customer_data\.?/, '');
      const box = fields.find((b) => b.f.name === name) || (err.body?.field === 'customer_data' ? fields[0] : null);
      if (box) { box.err.textContent = err.message; box.input.focus(); } else checkErr.textContent = err.message;
    } finally { check.disabled = false; }
  }

  async function loadChannels() {
    const list = await api('GET', `/payment-channels?amount=${quote.total_price}`);
    const options = list.filter((c) => c.available).map((c) => ({ code: c.code, name: c.name, fee: c.fee }));
    if (member) options.unshift({ code: 'BALANCE', name: t('balance'), fee: 0 });
    channels.replaceChildren(h('legend', { class: 'muted' }, t('payWith')), ...options.map((c) => h('label', { class: 'option' },
      h('input', { type: 'radio', name: 'channel', value: c.code, checked: channel?.code === c.code,
        onchange: () => { channel = c; attemptKey = null; } }),
      h('span', {}, c.name), h('span', { class: 'muted' }, `${t('fee')} ${rupiah(c.fee)}`))));
    channel = options.find((c) => c.code === channel?.code) || null;
  }

  async function submit(e) {
    e.preventDefault();
    payErr.textContent = ''; formErr.textContent = '';
    for (const c of contact) c.err.textContent = '';
    if (!quote) { checkErr.textContent = t('checkFirst'); return; }
    let ok = true;
    for (const c of contact) if (!c.input.validity.valid) { c.err.textContent = c.input.validity.valueMissing ? t('required') : t('badFormat'); ok = false; }
    if (!channel) { payErr.textContent = t('pickPay'); ok = false; }
    if (!ok) return;
    attemptKey = attemptKey || crypto.randomUUID();
    const body = { quote_id: quote.quote_id, payment_method: channel.code };
    for (const c of contact) body[c.name] = c.input.value.trim();
    if (document.getElementById('confirm-dup')?.checked) body.confirm_duplicate = true;
    pay.disabled = true;
    try {
      const order = await api('POST', '/transactions', body, { 'idempotency-key': attemptKey });
      if (!member) sessionStorage.setItem(`proof:${order.transaction_code}`, body.customer_email);
      navigate(`/order/${order.transaction_code}`);
    } catch (err) {
      const box = contact.find((c) => c.name === err.body?.field);
      if (box) { box.err.textContent = err.message; box.input.focus(); }
      else if (err.body?.field === 'payment_method') payErr.textContent = err.message;
      else if (err.body?.code === 'duplicate_order') {
        formErr.replaceChildren(err.message, h('label', { for: 'confirm-dup', class: 'option' },
          h('span', {}, h('input', { type: 'checkbox', id: 'confirm-dup' }), ' ', t('buyAgain'))));
      } else if (['quote_expired', 'quote_used'].includes(err.body?.code)) {
        // The price no longer holds: check the bill again.
        quote = null; payPart.hidden = true; shown.replaceChildren(); checkErr.textContent = err.message;
      } else formErr.textContent = err.message;
      attemptKey = null;
    } finally { pay.disabled = false; }
  }

  render(
    h('h1', {}, p.name),
    p.description ? h('p', { class: 'muted' }, p.description) : null,
    h('form', { id: 'bill-form', novalidate: true, onsubmit: submit },
      h('section', { class: 'card' }, h('h2', {}, t('yourData')),
        ...fields.map((b) => [h('label', { for: b.input.id }, b.f.label), b.input, b.err]), choice, checkErr, check),
      shown, payPart));
}
