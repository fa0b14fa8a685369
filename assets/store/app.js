// The storefront's shell: the router (real paths, drawn here; lapak serves this page for
// each), the shop's name, the language switch.

import { session } from './lib/api.js';
import { navigate } from './lib/nav.js';
import { shopConfig } from './lib/config.js';
import { setLanguage, language, t } from './lib/i18n.js';
import { h, render } from '/admin/lib/dom.js';
import home from './pages/home.js';
import product from './pages/product.js';
import order from './pages/order.js';
import { account, claim, forgot, login, register, reset } from './pages/account.js';

const routes = [
  [/^\/$/, home],
  [/^\/search$/, home],
  [/^\/p\/([^/]+)$/, product],
  [/^\/order\/([^/]+)$/, order],
  [/^\/login$/, login],
  [/^\/register$/, register],
  [/^\/account$/, account],
  [/^\/forgot$/, forgot],
  [/^\/reset-password$/, reset],
  [/^\/claim-orders$/, claim],
];

async function draw() {
  const path = location.pathname;
  document.getElementById('account-link').textContent = session.token ? t('account') : t('login');
  document.getElementById('lang').textContent = language() === 'id' ? 'EN' : 'ID';
  for (const [re, page] of routes) {
    const m = path.match(re);
    if (m) {
      try { await page(...m.slice(1).map(decodeURIComponent)); } catch (e) { render(h('p', { class: 'alert bad', role: 'alert' }, e.message)); }
      document.getElementById('main').focus({ preventScroll: true });
      return;
    }
  }
  render(h('p', {}, t('notFound')));
}

// Links marked data-link (and every same-origin link inside main) change the page
// without reloading it.
document.addEventListener('click', (e) => {
  const a = e.target.closest('a');
  if (!a || a.target || e.metaKey || e.ctrlKey || e.shiftKey || a.origin !== location.origin) return;
  if (a.pathname.startsWith('/admin') || a.pathname.startsWith('/demo') || a.pathname.startsWith('/docs')) return;
  e.preventDefault();
  navigate(a.pathname + a.search);
});
window.addEventListener('popstate', draw);
document.getElementById('lang').addEventListener('click', () => { setLanguage(language() === 'id' ? 'en' : 'id'); draw(); });
setLanguage(language());

shopConfig().then((c) => {
  const name = c.app_name || 'lapak';
  document.getElementById('shop-name').textContent = name;
  document.getElementById('foot-name').textContent = name;
  document.title = name;
  // The shop's own look, when its admin set one (public settings app.logo_url, app.color).
  const logo = c.settings?.['app.logo_url'];
  if (logo) document.getElementById('shop-name').prepend(h('img', { src: logo, alt: '', class: 'logo' }));
  const color = c.settings?.['app.color'];
  if (/^#[0-9a-fA-F]{6}$/.test(color || '')) document.documentElement.style.setProperty('--brand', color);
});
draw();
