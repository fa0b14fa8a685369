// Logging in (password or Google), registering, a forgotten password, and the member's
// page: notifications, orders, balance and its history, deposits, withdrawals
// (resellers), profile, claiming guest orders.

import { api, session } from '../lib/api.js';
import { shopConfig } from '../lib/config.js';
import { googleButton } from '../lib/google.js';
import { t } from '../lib/i18n.js';
import { navigate } from '../lib/nav.js';
import { h, render } from '/admin/lib/dom.js';
import { jakarta, rupiah } from '/admin/lib/format.js';

/** A form of labelled inputs; `action(values)` runs on submit, its error shown below. */
function form(id, submitLabel, fields, action) {
  const inputs = fields.map(([name, label, type, ac, required = true]) =>
    h('input', { id: `${id}-${name}`, name, type, autocomplete: ac, required, inputmode: type === 'number' ? 'numeric' : null }));
  const err = h('div', { class: 'field-error', role: 'alert', id: `${id}-err` });
  const note = h('div', { class: 'hint', role: 'status', id: `${id}-note` });
  const button = h('button', { type: 'submit', class: 'wide' }, submitLabel);
  const f = h('form', { class: 'card', id, onsubmit: async (e) => {
    e.preventDefault();
    err.textContent = ''; note.textContent = '';
    const values = Object.fromEntries(inputs.map((i) => [i.name, i.type === 'number' ? Number(i.value) : i.value.trim()]));
    button.disabled = true;
    try { const msg = await action(values, f); if (msg) note.textContent = msg; } catch (x) { err.textContent = x.message; } finally { button.disabled = false; }
  } }, ...fields.map(([name, label], i) => [h('label', { for: `${id}-${name}` }, label), inputs[i]]).flat(), err, note, button);
  return f;
}

function entry(title, fields, action, footer) {
  const f = form('account', title, fields, async (b) => { const r = await action(b); session.start(r.token); navigate('/account'); });
  const google = h('div', { id: 'google-button', class: 'google' });
  render(h('h1', {}, title), google, f, footer);
  shopConfig().then((c) => {
    if (!c.google_client_id) return google.remove();
    googleButton(google, c.google_client_id, (r) => { session.start(r.token); navigate('/account'); },
      (e) => { document.getElementById('account-err').textContent = e.message; });
  });
}

export function login() {
  entry(t('login'), [['identifier', t('identifier'), 'text', 'username'], ['password', t('password'), 'password', 'current-password']],
    (b) => api('POST', '/auth/login', b),
    h('p', {}, h('a', { href: '/forgot' }, t('forgot')), ' · ', t('noAccount'), ' ', h('a', { href: '/register' }, t('register'))));
}

export function register() {
  entry(t('register'), [['name', t('name'), 'text', 'name'], ['email', t('email'), 'email', 'email'], ['phone', 'No. HP', 'tel', 'tel'],
    ['password', t('password'), 'password', 'new-password']],
  (b) => api('POST', '/auth/register', b), h('p', {}, t('haveAccount'), ' ', h('a', { href: '/login' }, t('login'))));
}

export function forgot() {
  render(h('h1', {}, t('forgot')), form('forgot', t('sendLink'), [['email', t('email'), 'email', 'email']],
    async (b) => { await api('POST', '/auth/forgot-password', b); return t('linkSent'); }));
}

export function reset() {
  const token = new URLSearchParams(location.search).get('token') || '';
  render(h('h1', {}, t('newPassword')), form('reset', t('save'), [['password', t('newPassword'), 'password', 'new-password']],
    async (b) => { await api('POST', '/auth/reset-password', { token, password: b.password }); navigate('/login'); return t('resetDone'); }));
}

export async function claim() {
  if (!session.token) return login();
  const token = new URLSearchParams(location.search).get('token') || '';
  const r = await api('POST', '/me/guest-orders/claim/confirm', { token });
  render(h('h1', {}, t('myOrders')), h('p', { class: 'alert', id: 'claimed' }, t('claimed', r.claimed)), h('a', { href: '/account' }, t('account')));
}

function orderList(list) {
  return list.length === 0 ? h('p', { class: 'muted' }, t('noOrders')) : h('div', { id: 'orders' }, ...list.map((o) =>
    h('a', { class: 'tile', href: `/order/${o.transaction_code}` }, h('strong', {}, o.product_name),
      h('span', { class: 'price' }, `${rupiah(o.total_price)} · ${t('statuses')[o.status] || o.status} · ${jakarta(o.created_at)}`))));
}

export async function account() {
  if (!session.token) return login();
  const [me, orders, mutations, unread, notes, config] = await Promise.all([
    api('GET', '/me'), api('GET', '/transactions?per_page=20'), api('GET', '/me/mutations?per_page=20'),
    api('GET', '/notifications/count'), api('GET', '/notifications?per_page=10'), shopConfig()]);
  const reseller = me.customer_type === 'reseller';

  const ordersBox = h('div', {}, orderList(orders.data));
  const filter = h('select', { id: 'order-status', 'aria-label': t('status'), onchange: async () => {
    const q = filter.value ? `&status=${filter.value}` : '';
    ordersBox.replaceChildren(orderList((await api('GET', `/transactions?per_page=20${q}`)).data));
  } }, h('option', { value: '' }, t('allStatuses')), ...Object.entries(t('statuses')).filter(([k]) => k !== 'expired').map(([k, v]) => h('option', { value: k }, v)));

  const unreadBadge = h('span', { class: 'badge warn', id: 'unread' }, `${unread.count} ${t('unread')}`);
  const notifications = h('section', { class: 'card', id: 'notifications' }, h('h2', {}, t('notifications'), ' ', unreadBadge),
    ...notes.data.map((n) => h('div', { class: n.is_read ? 'muted' : '' }, h('strong', {}, n.title), ' ', n.message)),
    unread.count ? h('button', { type: 'button', class: 'secondary', onclick: async (e) => {
      await api('POST', '/notifications/read-all', {}); unreadBadge.textContent = `0 ${t('unread')}`; e.target.remove();
    } }, t('readAll')) : null);

  const channel = h('select', { id: 'deposit-channel', name: 'payment_method', 'aria-label': t('payWith') });
  const channels = await api('GET', '/payment-channels').catch(() => []);
  channel.replaceChildren(...channels.filter((c) => c.available !== false).map((c) => h('option', { value: c.code }, c.name)));
  const deposit = form('deposit', t('deposit'), [['amount', t('amount'), 'number', 'off']], async (b) => {
    const d = await api('POST', '/deposits', { amount: b.amount, payment_method: channel.value });
    navigate(`/order/${d.transaction_code}`);
  });
  deposit.querySelector('button').before(h('label', { for: 'deposit-channel' }, t('payWith')), channel);

  const withdraw = reseller ? form('withdraw', t('withdraw'), [['amount', t('amount'), 'number', 'off'], ['payment_method', t('bank'), 'text', 'off'],
    ['account_number', t('accountNumber'), 'text', 'off'], ['account_name', t('accountName'), 'text', 'name']],
  async (b) => { await api('POST', '/withdrawals', b); navigate('/account'); }) : null;

  const profile = form('profile', t('save'), [['name', t('name'), 'text', 'name'], ['phone', 'No. HP', 'tel', 'tel', false]],
    async (b) => { await api('PATCH', '/me', { name: b.name, phone: b.phone || null }); return t('saved'); });
  profile.querySelector('#profile-name').value = me.name;
  profile.querySelector('#profile-phone').value = me.phone || '';

  render(
    h('h1', {}, me.name),
    h('section', { class: 'card' }, h('div', { class: 'muted' }, t('balance')), h('div', { class: 'code', id: 'balance' }, rupiah(me.balance))),
    notifications,
    h('h2', {}, t('myOrders')), filter, ordersBox,
    h('h2', {}, t('mutations')),
    h('div', { class: 'card', id: 'mutations' }, ...mutations.data.map((m) => h('div', { class: 'row' },
      h('span', {}, `${m.balance_after >= m.balance_before ? '+' : '-'}${rupiah(m.amount)}`), h('span', { class: 'muted' }, `${m.description} · ${jakarta(m.created_at)}`)))),
    config.features?.deposits !== false ? [h('h2', {}, t('deposit')), deposit] : null,
    withdraw ? [h('h2', {}, t('withdrawals')), withdraw] : null,
    h('h2', {}, t('profile')), profile,
    h('button', { type: 'button', class: 'secondary wide', id: 'claim', onclick: async (e) => {
      try { await api('POST', '/me/guest-orders/claim', {}); e.target.replaceWith(h('p', { class: 'alert' }, t('claimSent'))); }
      catch (x) { e.target.replaceWith(h('p', { class: 'alert bad' }, x.message)); }
    } }, t('claim')),
    h('button', { type: 'button', class: 'secondary wide', onclick: () => { session.end(); navigate('/'); } }, t('logout')));
}
