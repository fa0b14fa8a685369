// A product: its items at the caller's tier price, the account fields its supplier needs
// (checked as typed, the server's field errors shown beside the field, a phone number's
// operator named, a PLN meter's owner shown), the payment channels with fee and total, the buyer's contact, and
// one Idempotency-Key per attempt so a double tap never buys twice.

import { api, session } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import bill from './bill.js';
import { navigate } from '../lib/nav.js';
import { h, render } from '/admin/lib/dom.js';
import { rupiah } from '/admin/lib/format.js';

function field(f) {
  const id = `f-${f.name}`;
  const input = h('input', { id, name: f.name, type: f.type === 'tel' ? 'tel' : 'text', inputmode: f.type === 'tel' ? 'numeric' : null,
    pattern: f.pattern ? f.pattern.replace(/^\^|\$$/g, '') : null, placeholder: f.placeholder || null, required: f.required,
    autocomplete: f.type === 'tel' ? 'tel' : 'off', 'aria-describedby': `${id}-hint ${id}-err` });
  return { f, input, hint: h('div', { class: 'hint', id: `${id}-hint` }), err: h('div', { class: 'field-error', id: `${id}-err`, role: 'alert' }) };
}

function showError(box, message) {
  box.err.textContent = message || '';
  box.input.setAttribute('aria-invalid', message ? 'true' : 'false');
}

export default async function product(slug) {
  const p = await api('GET', `/products/slug/${encodeURIComponent(slug)}`);
  // A bill is checked first and paid through its quote.
  if (p.payment_type === 'postpaid') return bill(p);
  document.title = p.name;
  const fields = p.input_fields.map(field);
  const byName = Object.fromEntries(fields.map((b) => [b.f.name, b]));
  const member = !!session.token;
  let item = null;
  let channel = null;
  let attemptKey = null;
  const newAttempt = () => { attemptKey = null; };

  const items = h('fieldset', { class: 'options', id: 'items' }, h('legend', { class: 'muted' }, t('chooseItem')),
    ...p.items.map((it) => h('label', { class: 'option' },
      h('input', { type: 'radio', name: 'item', value: it.id, disabled: !it.is_orderable, onchange: () => { item = it; newAttempt(); loadChannels(); } }),
      h('span', {}, it.name), h('span', { class: 'price' }, rupiah(it.price)),
      it.is_orderable ? null : h('span', { class: 'badge warn' }, t('unavailable')))));
  const channels = h('fieldset', { class: 'options list', id: 'channels' }, h('legend', { class: 'muted' }, t('payWith')));
  const total = h('div', { class: 'total', id: 'total' });
  const itemErr = h('div', { class: 'field-error', role: 'alert', id: 'item-err' });
  const payErr = h('div', { class: 'field-error', role: 'alert', id: 'pay-err' });
  const formErr = h('div', { class: 'field-error', role: 'alert', id: 'form-err' });
  const contact = member ? [] : [
    ['customer_name', t('name'), 'text', 'name', true], ['customer_email', t('email'), 'email', 'email', true],
    ['customer_phone', t('phone'), 'tel', 'tel', false]].map(([name, label, type, ac, required]) => {
    const box = field({ name, type, required });
    box.input.type = type; box.input.autocomplete = ac;
    byName[name] = box;
    return [h('label', { for: box.input.id }, label), box.input, box.err];
  });
  const voucher = h('input', { id: 'voucher', name: 'voucher_code', autocomplete: 'off', 'aria-describedby': 'voucher-err' });
  const voucherErr = h('div', { class: 'field-error', role: 'alert', id: 'voucher-err' });
  const discountLine = h('div', { class: 'row muted', id: 'discount-line' });
  const apply = h('button', { type: 'button', class: 'secondary', id: 'apply-voucher', onclick: () => refreshQuote() }, t('apply'));
  const buy = h('button', { type: 'submit', class: 'wide', id: 'buy' }, t('buy'));

  async function loadChannels() {
    if (!item) return;
    const list = await api('GET', `/payment-channels?amount=${item.price}`);
    const options = list.filter((c) => c.available).map((c) => ({ code: c.code, name: c.name, fee: c.fee, total: c.total }));
    if (member) options.unshift({ code: 'BALANCE', name: t('balance'), fee: 0, total: item.price });
    channels.replaceChildren(h('legend', { class: 'muted' }, t('payWith')), ...options.map((c) => h('label', { class: 'option' },
      h('input', { type: 'radio', name: 'channel', value: c.code, checked: channel?.code === c.code,
        onchange: () => { channel = c; newAttempt(); refreshQuote(); } }),
      h('span', {}, c.name), h('span', { class: 'muted' }, `${t('fee')} ${rupiah(c.fee)}`))));
    channel = options.find((c) => c.code === channel?.code) || null;
    refreshQuote();
  }

  // The price, the voucher's discount and the total, as lapak would charge them now.
  let quoting = 0;
  async function refreshQuote() {
    voucherErr.textContent = '';
    if (!item) { total.replaceChildren(); discountLine.replaceChildren(); return; }
    const mine = ++quoting;
    const body = { product_item_id: item.id };
    if (voucher.value.trim()) body.voucher_code = voucher.value.trim();
    if (channel) body.payment_method = channel.code;
    try {
      const q = await api('POST', '/transactions/quote', body);
      if (mine !== quoting) return;
      discountLine.replaceChildren(...(q.discount_amount ? [h('span', {}, t('discount')), h('span', { id: 'discount' }, `- ${rupiah(q.discount_amount)}`)] : []));
      total.replaceChildren(...(q.total_price !== undefined ? [h('span', {}, t('total')), h('span', {}, rupiah(q.total_price))] : []));
    } catch (err) {
      if (mine !== quoting) return;
      if (err.body?.field === 'voucher_code') { voucherErr.textContent = err.message; discountLine.replaceChildren(); }
    }
  }

  // Checked as typed: the pattern, and for a phone number its operator.
  let lookup = 0;
  for (const box of fields) {
    box.input.addEventListener('input', async () => {
      newAttempt();
      showError(box, box.input.value && !box.input.validity.valid ? t('badFormat') : '');
      const digits = box.input.value.replace(/\D/g, '');
      if (p.category.slug === 'pln' && box.f.type !== 'tel') {
        // A PLN meter: whose it is, before paying.
        box.hint.textContent = '';
        if (digits.length < 11 || !box.input.validity.valid) return;
        const mine = ++lookup;
        try {
          const c = await api('GET', `/utility/pln?meter=${encodeURIComponent(digits)}`);
          if (mine === lookup) box.hint.textContent = `${t('name')}: ${c.name} · ${c.segment_power}`;
        } catch (e) { if (mine === lookup && e.body?.field === 'meter') showError(box, e.message); }
        return;
      }
      if (box.f.type !== 'tel' || digits.length < 4) { box.hint.textContent = ''; return; }
      const mine = ++lookup;
      try {
        const op = await api('GET', `/utility/operator?phone=${encodeURIComponent(box.input.value)}`);
        if (mine !== lookup) return;
        box.hint.textContent = `${t('operator')}: ${op.operator}`;
        const brand = (p.brand || '').toLowerCase();
        const fits = !['pulsa', 'data'].includes(p.category.slug) || brand.includes(op.operator.toLowerCase()) || op.operator.toLowerCase().includes(brand);
        showError(box, fits ? '' : t('wrongOperator', op.operator, p.brand));
      } catch { if (mine === lookup) box.hint.textContent = ''; }
    });
  }

  async function submit(e) {
    e.preventDefault();
    const confirmed = document.getElementById('confirm-dup')?.checked === true;
    for (const b of Object.values(byName)) showError(b, '');
    itemErr.textContent = ''; payErr.textContent = ''; formErr.textContent = '';
    let ok = true;
    for (const b of Object.values(byName)) {
      if (b.err.textContent) { ok = false; continue; }
      if (!b.input.validity.valid) { showError(b, b.input.validity.valueMissing ? t('required') : t('badFormat')); ok = false; }
    }
    if (!item) { itemErr.textContent = t('pickItem'); ok = false; }
    if (!channel) { payErr.textContent = t('pickPay'); ok = false; }
    const wrongOp = fields.find((b) => b.err.textContent);
    if (wrongOp) ok = false;
    if (!ok) { (fields.find((b) => b.err.textContent) || {}).input?.focus(); return; }
    attemptKey = attemptKey || crypto.randomUUID();
    const body = { product_item_id: item.id, payment_method: channel.code,
      customer_data: Object.fromEntries(fields.map((b) => [b.f.name, b.input.value.trim()])) };
    if (voucher.value.trim()) body.voucher_code = voucher.value.trim();
    if (confirmed) body.confirm_duplicate = true;
    for (const name of ['customer_name', 'customer_email', 'customer_phone']) if (byName[name]?.input.value.trim()) body[name] = byName[name].input.value.trim();
    buy.disabled = true;
    try {
      const order = await api('POST', '/transactions', body, { 'idempotency-key': attemptKey });
      if (!member) sessionStorage.setItem(`proof:${order.transaction_code}`, body.customer_email);
      navigate(`/order/${order.transaction_code}`);
    } catch (err) {
      const name = (err.body?.field || '').replace(/^customer_data\./, '');
      const box = byName[name];
      if (box) { showError(box, err.message); box.input.focus(); }
      else if (name === 'voucher_code') voucherErr.textContent = err.message;
      else if (name === 'payment_method') payErr.textContent = err.message;
      else if (err.body?.code === 'duplicate_order') {
        // The same number got this item lately: buy again only when the buyer says so.
        formErr.replaceChildren(err.message, h('label', { for: 'confirm-dup', class: 'option' },
          h('span', {}, h('input', { type: 'checkbox', id: 'confirm-dup' }), ' ', t('buyAgain'))));
      } else formErr.textContent = err.message;
      newAttempt();
    } finally { buy.disabled = false; }
  }

  render(
    h('h1', {}, p.name),
    p.description ? h('p', { class: 'muted' }, p.description) : null,
    h('form', { id: 'buy-form', novalidate: true, onsubmit: submit },
      h('section', { class: 'card' }, h('h2', {}, t('yourData')),
        ...fields.map((b) => [h('label', { for: b.input.id }, b.f.label), b.input, b.hint, b.err])),
      h('section', { class: 'card' }, items, itemErr),
      h('section', { class: 'card' }, channels, payErr),
      contact.length ? h('section', { class: 'card' }, h('h2', {}, t('contact')), ...contact.flat()) : null,
      h('section', { class: 'card' }, h('label', { for: 'voucher' }, t('voucher')), h('div', { class: 'row voucher' }, voucher, apply), voucherErr,
        discountLine, total, formErr, buy)));
  voucher.addEventListener('input', newAttempt);
}
