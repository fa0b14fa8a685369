// lapak admin console: ES modules, no build step; it talks only to /api/v1. This file
// holds the session and the routes; the toolkit is in lib/, one file per page in pages/.

import { api, session } from './lib/api.js';
import { h, render } from './lib/dom.js';
import { setRouter } from './lib/nav.js';
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

async function route() {
  if (!session.token) return showLogin();
  const [path, query] = (location.hash.slice(1) || '/dashboard').split('?');
  const [, name, arg] = path.split('/');
  const page = pages[name] || pages.dashboard;
  for (const a of document.querySelectorAll('.side a')) a.classList.toggle('active', a.getAttribute('href') === '#/' + (name === 'order' ? 'orders' : name === 'product' ? 'products' : name === 'user' ? 'users' : name));
  render(h('p', { class: 'muted' }, 'Loading…'));
  try { await page(new URLSearchParams(query || ''), arg ? decodeURIComponent(arg) : undefined); }
  catch (e) { if (session.token) render(h('h1', {}, 'Something went wrong'), h('p', { class: 'error' }, e.message)); }
}

function showLogin() {
  document.getElementById('shell').hidden = true;
  document.getElementById('login').hidden = false;
}

function logout() {
  if (session.token) api('POST', '/auth/logout').catch(() => {});
  session.end();
  showLogin();
}

document.getElementById('login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  const err = document.getElementById('login-error');
  err.textContent = '';
  try {
    const r = await api('POST', '/auth/login', { identifier: f.get('identifier'), password: f.get('password') });
    if (r.user.role !== 'admin') { err.textContent = 'This account is not an admin.'; return; }
    session.start(r.token);
    document.getElementById('login').hidden = true;
    document.getElementById('shell').hidden = false;
    api('GET', '/admin/system').then((s) => { document.getElementById('demo-badge').hidden = !(s.digiflazz_demo || s.tripay_demo); }).catch(() => {});
    route();
  } catch (ex) { err.textContent = ex.message; }
});

document.getElementById('logout').addEventListener('click', logout);
window.addEventListener('hashchange', route);
setRouter(route);
session.onEnd(logout);
showLogin();
