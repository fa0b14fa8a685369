// lapak admin console: ES modules, no build step; it talks only to /api/v1. This file
// holds the session, the shell (menu, global banners, shortcuts) and the routes; the
// toolkit is in lib/, one file per page in pages/.

import { api, session } from './lib/api.js';
import { h, nextView, view } from './lib/dom.js';
import { rupiah } from './lib/format.js';
import { setRouter } from './lib/nav.js';
import { lowDeposit, shopSettings, supplierDeposit } from './lib/shop.js';
import dashboard from './pages/dashboard.js';
import orders from './pages/orders.js';
import order from './pages/order.js';
import products from './pages/products.js';
import product from './pages/product.js';
import categories from './pages/categories.js';
import pricing from './pages/pricing.js';
import users from './pages/users.js';
import user from './pages/user.js';
import withdrawals from './pages/withdrawals.js';
import apikeys from './pages/apikeys.js';
import vouchers from './pages/vouchers.js';
import banners from './pages/banners.js';
import settings from './pages/settings.js';
import reports from './pages/reports.js';
import jobs from './pages/jobs.js';
import activity from './pages/activity.js';
import system from './pages/system.js';

const pages = { dashboard, orders, order, products, product, categories, pricing, users, user, withdrawals, apikeys, vouchers, banners, settings, reports, jobs, activity, system };
const parentOf = { order: 'orders', product: 'products', user: 'users' };
const $ = (id) => document.getElementById(id);

async function route() {
  if (!session.active) return showLogin();
  const [path, query] = (location.hash.slice(1) || '/dashboard').split('?');
  const [, name, arg] = path.split('/');
  const page = pages[name] || pages.dashboard;
  for (const a of document.querySelectorAll('.side a')) a.classList.toggle('active', a.getAttribute('href') === '#/' + (parentOf[name] || name));
  menu(false);
  nextView();
  const draw = view();
  draw(h('p', { class: 'muted' }, 'Loading…'));
  try { await page(new URLSearchParams(query || ''), arg ? decodeURIComponent(arg) : undefined); }
  catch (e) { if (session.active) draw(h('h1', {}, 'Something went wrong'), h('p', { class: 'error' }, e.message)); }
}

function menu(open) {
  $('side').classList.toggle('open', open);
  $('menu-toggle').setAttribute('aria-expanded', String(open));
}

/** Banners on every page: maintenance on, the supplier deposit low. */
async function globalBanners() {
  const [list, deposit] = await Promise.all([shopSettings(), supplierDeposit()]);
  const low = lowDeposit(list);
  $('global-banners').replaceChildren(...[
    list.find((s) => s.key === 'maintenance.active')?.value === 'true' ? h('div', { class: 'banner bad', id: 'maintenance-banner' }, 'Maintenance is ON: the shop refuses new orders. ', h('a', { href: '#/settings' }, 'Turn it off in Settings')) : null,
    deposit !== null && deposit < low ? h('div', { class: 'banner warn', id: 'deposit-banner' }, `Digiflazz deposit is low: ${rupiah(deposit)} (warning below ${rupiah(low)}). Top up at Digiflazz.`) : null].filter(Boolean));
}
// After the settings' cache has been dropped (lib/shop.js listens first).
window.addEventListener('lapak:settings-changed', () => globalBanners());

function showLogin(note) {
  $('shell').hidden = true;
  $('login').hidden = false;
  const n = $('login-note');
  n.hidden = !note; n.textContent = note || '';
}

function showShell() {
  $('login').hidden = true;
  $('shell').hidden = false;
  $('who').textContent = session.user ? `${session.user.name} · ${session.user.email}` : '';
  api('GET', '/admin/system').then((s) => { for (const b of document.querySelectorAll('.demo-badge')) b.hidden = !(s.digiflazz_demo || s.tripay_demo); }).catch(() => {});
  globalBanners();
  route();
}

async function logout() {
  if (session.active) await api('DELETE', '/admin/session').catch(() => {});
  session.end();
  $('login-form').reset();
  showLogin('You are logged out.');
}

$('login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  const err = $('login-error');
  err.textContent = '';
  try {
    const s = await api('POST', '/admin/session', { identifier: f.get('identifier'), password: f.get('password') }, { quiet401: true });
    session.start(s);
    e.target.reset();
    showShell();
  } catch (ex) { err.textContent = ex.message; }
});

$('logout').addEventListener('click', logout);
$('menu-toggle').addEventListener('click', () => menu(!$('side').classList.contains('open')));
window.addEventListener('hashchange', route);
// "/" jumps to the page's search box (or the order search).
document.addEventListener('keydown', (e) => {
  if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || $('shell').hidden) return;
  if (e.target.closest('input, textarea, select, [contenteditable]') || $('dialog').open) return;
  e.preventDefault();
  const box = document.querySelector('#main input[name=search]');
  if (box) { box.focus(); box.select(); } else location.hash = '#/orders?focus=search';
});
setRouter(route);
session.onEnd((why) => { $('login-form').reset(); showLogin(why); });
setInterval(() => { if (session.active) globalBanners(); }, 5 * 60 * 1000);

// A reload (or a new tab) keeps the session: ask lapak who is logged in.
api('GET', '/admin/session', undefined, { quiet401: true })
  .then((s) => { session.start(s); showShell(); })
  .catch(() => showLogin());
