// An order: its status as it moves (polled), how to pay while it waits (QR, payment
// number, the payment page, a countdown), the SN/token large with a copy button once it
// is delivered, what happens to the money if it fails, and a printable receipt. A guest
// proves the order is theirs with the e-mail or phone used to buy it.

import { api, session } from '../lib/api.js';
import { billDetails } from '../lib/bill.js';
import { t } from '../lib/i18n.js';
import { h, render } from '/admin/lib/dom.js';
import { jakarta, rupiah } from '/admin/lib/format.js';

const BADGE = { success: 'ok', pending: 'warn', processing: 'warn', failed: 'bad', refunded: 'bad', expired: 'bad' };
let timer = null;

function copyButton(text, id) {
  return h('button', { type: 'button', class: 'secondary', id, onclick: async (e) => {
    await navigator.clipboard?.writeText(text).catch(() => {});
    e.target.textContent = t('copied');
  } }, t('copy'));
}

function countdown(until) {
  const el = h('span', { id: 'countdown' });
  const tick = () => {
    const s = Math.max(0, Math.floor((new Date(until) - Date.now()) / 1000));
    el.textContent = `${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')} ${t('left')}`;
  };
  tick();
  const id = setInterval(() => (el.isConnected ? tick() : clearInterval(id)), 1000);
  return el;
}

function payment(o) {
  const p = o.payment;
  if (!p || o.payment_status !== 'pending' || o.status !== 'pending') return null;
  return h('section', { class: 'card', id: 'payment' },
    h('h2', {}, p.channel || o.payment_method),
    h('p', {}, `${t('payBefore')} ${jakarta(p.expires_at || o.expires_at)} · `, countdown(p.expires_at || o.expires_at)),
    p.qr_url ? [h('p', { class: 'muted' }, t('scanQr')), h('img', { class: 'qr', src: p.qr_url, alt: 'QR', id: 'qr' })] : null,
    p.pay_code ? h('div', {}, h('div', { class: 'muted' }, t('vaNumber')), h('div', { class: 'row' }, h('span', { class: 'code', id: 'pay-code' }, p.pay_code), copyButton(p.pay_code, 'copy-code'))) : null,
    h('div', { class: 'total' }, h('span', {}, t('total')), h('span', {}, rupiah(p.total_amount ?? o.total_price))),
    p.checkout_url ? h('a', { class: 'button wide', href: p.checkout_url, id: 'pay-link', rel: 'noopener' }, t('openPay')) : null,
    ...(p.instructions || []).map((i) => h('details', {}, h('summary', {}, i.title), h('ol', {}, ...i.steps.map((s) => h('li', {}, s))))));
}

function outcome(o) {
  if (o.status === 'success' && o.sn) {
    return h('section', { class: 'card' }, h('div', { class: 'muted' }, t('sn')),
      h('div', { class: 'row' }, h('div', { class: 'sn', id: 'sn' }, o.sn), copyButton(o.sn, 'copy-sn')));
  }
  if (o.status === 'refunded') return h('p', { class: 'alert', id: 'money' }, t('refundedMsg'));
  if (o.status === 'failed') return h('p', { class: 'alert bad', id: 'money' }, t('failedMsg'));
  return null;
}

function prove(code, failed) {
  const input = h('input', { id: 'proof', name: 'proof', autocomplete: 'email', required: true });
  render(h('h1', {}, t('proveTitle')), h('form', { class: 'card', onsubmit: (e) => {
    e.preventDefault();
    sessionStorage.setItem(`proof:${code}`, input.value.trim());
    order(code);
  } }, h('label', { for: 'proof' }, t('proveHint')), input,
  failed ? h('div', { class: 'field-error', role: 'alert', id: 'proof-err' }, t('notYours')) : null,
  h('button', { type: 'submit', class: 'wide' }, t('show'))));
}

export default async function order(code) {
  clearTimeout(timer);
  const proof = sessionStorage.getItem(`proof:${code}`);
  let query = '';
  if (!session.token || proof) {
    if (!proof) return prove(code, false);
    query = proof.includes('@') ? `?email=${encodeURIComponent(proof)}` : `?phone=${encodeURIComponent(proof)}`;
  }
  let o;
  try { o = await api('GET', `/transactions/${encodeURIComponent(code)}${query}`); } catch (e) {
    if (e.status === 404 || e.status === 403) { sessionStorage.removeItem(`proof:${code}`); return prove(code, !!proof); }
    throw e;
  }
  if (location.pathname !== `/order/${code}`) return;
  render(
    h('h1', {}, `${t('order')} ${o.transaction_code}`),
    h('p', {}, h('span', { class: `badge ${BADGE[o.status] || ''}`, id: 'status', 'data-status': o.status }, t('statuses')[o.status] || o.status)),
    outcome(o),
    payment(o),
    o.bill ? billDetails(o.bill, 'receipt-bill') : null,
    h('section', { class: 'card' }, h('dl', { class: 'facts' },
      h('dt', {}, t('product')), h('dd', {}, o.product_name),
      h('dt', {}, t('customerNo')), h('dd', {}, o.customer_no),
      o.discount_amount ? [h('dt', {}, t('discount')), h('dd', { id: 'discount' }, rupiah(o.discount_amount))] : null,
      h('dt', {}, t('total')), h('dd', { id: 'order-total' }, rupiah(o.total_price)),
      h('dt', {}, t('date')), h('dd', {}, jakarta(o.created_at)))),
    h('button', { type: 'button', class: 'secondary', onclick: () => window.print() }, t('print')));
  if (['pending', 'processing'].includes(o.status)) timer = setTimeout(() => { if (location.pathname === `/order/${code}`) order(code); }, 2500);
}
