// Home: banners, categories, featured and best-selling products, and search as you type
// (over the catalog fetched once).

import { api } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { h, render } from '/admin/lib/dom.js';
import { rupiah } from '/admin/lib/format.js';

const tile = (p) => h('a', { class: 'tile', href: `/p/${p.slug}` }, h('strong', {}, p.name),
  p.price_range ? h('span', { class: 'price' }, `${t('from')} ${rupiah(p.price_range.min)}`) : null);

export default async function home() {
  const query = new URLSearchParams(location.search);
  const search = h('input', { class: 'search', type: 'search', placeholder: t('search'), 'aria-label': t('search'), value: query.get('q') || '', id: 'search' });
  const chips = h('div', { class: 'chips', role: 'group', 'aria-label': t('products') });
  const grid = h('div', { class: 'grid', id: 'products' });
  const banners = h('div', { class: 'banners' });
  const featured = h('div', { class: 'grid', id: 'featured' });
  const featuredBox = h('section', { hidden: true }, h('h2', {}, t('featured')), featured);
  const popular = h('div', { class: 'grid', id: 'popular' });
  const popularBox = h('section', { hidden: true }, h('h2', {}, t('popular')), popular);
  render(banners, search, chips, featuredBox, popularBox, h('h2', {}, t('products')), grid);

  // Best sellers: a second call that the first render does not wait for.
  api('GET', '/products?sort=popular&per_page=4').then((r) => {
    popular.replaceChildren(...r.data.map(tile));
    popularBox.hidden = r.data.length === 0;
  }).catch(() => {});

  api('GET', '/banners').then((list) => banners.replaceChildren(...list.map((b) =>
    h('a', { href: b.link_url || '#' }, h('img', { src: b.image_url, alt: b.title || '', loading: 'lazy' }))))).catch(() => {});

  const list = (await api('GET', '/products?per_page=100')).data;
  const categories = [...new Map(list.map((p) => [p.category.slug, p.category])).values()];
  let category = query.get('category') || '';
  const draw = () => {
    const q = search.value.trim().toLowerCase();
    const shown = list.filter((p) => (!category || p.category.slug === category)
      && (!q || p.name.toLowerCase().includes(q) || (p.brand || '').toLowerCase().includes(q)));
    grid.replaceChildren(...shown.map(tile));
    for (const c of chips.children) c.setAttribute('aria-pressed', String(c.dataset.slug === category));
  };
  chips.replaceChildren(...[{ slug: '', name: t('all') }, ...categories].map((c) =>
    h('button', { type: 'button', class: 'chip', 'data-slug': c.slug, onclick: () => { category = c.slug; draw(); } }, c.name)));
  const top = list.filter((p) => p.is_featured);
  featuredBox.hidden = top.length === 0;
  featured.replaceChildren(...top.map(tile));
  search.addEventListener('input', draw);
  draw();
}
