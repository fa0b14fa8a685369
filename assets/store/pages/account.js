// Logging in, registering, and the member's page: balance and order history.

import { api, session } from '../lib/api.js';
import { shopConfig } from '../lib/config.js';
import { googleButton } from '../lib/google.js';
import { t } from '../lib/i18n.js';
import { navigate } from '../lib/nav.js';
import { h, render } from '/admin/lib/dom.js';
import { jakarta, rupiah } from '/admin/lib/format.js';

function form(title, fields, action, footer) {
  const inputs = fields.map(([name, label, type, ac]) => h('input', { id: `a-${name}`, name, type, autocomplete: ac, required: true }));
  const err = h('div', { class: 'field-error', role: 'alert', id: 'account-err' });
  const f = h('form', { class: 'card', onsubmit: async (e) => {
    e.preventDefault();
    err.textContent = '';
    const body = Object.fromEntries(inputs.map((i) => [i.name, i.value.trim()]));
    try { const r = await action(body); session.start(r.token); navigate('/account'); } catch (x) { err.textContent = x.message; }
  } }, ...fields.map(([name, label], i) => [h('label', { for: `a-${name}` }, label), inputs[i]]).flat(), err,
  h('button', { type: 'submit', class: 'wide' }, title));
  const google = h('div', { id: 'google-button', class: 'google' });
  render(h('h1', {}, title), google, f, footer);
  shopConfig().then((c) => {
    if (!c.google_client_id) return google.remove();
    googleButton(google, c.google_client_id, (r) => { session.start(r.token); navigate('/account'); }, (e) => { err.textContent = e.message; });
  });
}

export function login() {
  form(t('login'), [['identifier', t('identifier'), 'text', 'username'], ['password', t('password'), 'password', 'current-password']],
    (b) => api('POST', '/auth/login', b), h('p', {}, t('noAccount'), ' ', h('a', { href: '/register' }, t('register'))));
}

export function register() {
  form(t('register'), [['name', t('name'), 'text', 'name'], ['email', t('email'), 'email', 'email'], ['phone', 'No. HP', 'tel', 'tel'],
    ['password', t('password'), 'password', 'new-password']],
  (b) => api('POST', '/auth/register', b), h('p', {}, t('haveAccount'), ' ', h('a', { href: '/login' }, t('login'))));
}

export async function account() {
  if (!session.token) return login();
  const [me, orders] = await Promise.all([api('GET', '/me'), api('GET', '/transactions?per_page=20')]);
  render(
    h('h1', {}, me.name),
    h('section', { class: 'card' }, h('div', { class: 'muted' }, t('balance')), h('div', { class: 'code', id: 'balance' }, rupiah(me.balance))),
    h('h2', {}, t('myOrders')),
    orders.data.length === 0 ? h('p', { class: 'muted' }, t('noOrders')) : h('div', {}, ...orders.data.map((o) =>
      h('a', { class: 'tile', href: `/order/${o.transaction_code}` }, h('strong', {}, o.product_name),
        h('span', { class: 'price' }, `${rupiah(o.total_price)} · ${t('statuses')[o.status] || o.status} · ${jakarta(o.created_at)}`)))),
    h('button', { type: 'button', class: 'secondary wide', onclick: () => { session.end(); navigate('/'); } }, t('logout')));
}
