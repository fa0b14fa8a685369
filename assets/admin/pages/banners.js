// Banners: upload, order, show or hide.

import { api } from '../lib/api.js';
import { h, render, run } from '../lib/dom.js';
import { jakarta } from '../lib/format.js';
import { table } from '../lib/table.js';

export default async function banners() {
  const list = await api('GET', '/admin/banners');
  const upload = h('form', { class: 'row card', onsubmit: async (e) => { e.preventDefault(); await run(() => api('POST', '/admin/banners', undefined, { form: new FormData(e.target) }), 'Banner added'); banners(); } },
    h('label', {}, 'Title', h('input', { name: 'title', required: true })), h('label', {}, 'Link', h('input', { name: 'link' })),
    h('label', {}, 'Image', h('input', { name: 'image', type: 'file', accept: 'image/*', required: true })),
    h('label', {}, 'Order', h('input', { name: 'sort_order', type: 'number', value: 0 })), h('button', {}, 'Upload'));
  const moveBy = async (i, d) => {
    const order = list.map((b, j) => ({ id: b.id, sort_order: j }));
    const k = i + d; if (k < 0 || k >= order.length) return;
    [order[i].sort_order, order[k].sort_order] = [order[k].sort_order, order[i].sort_order];
    await run(() => api('POST', '/admin/banners/reorder', { orders: order }), 'Order saved'); banners();
  };
  render(h('h1', {}, 'Banners'), upload,
    table([{ label: 'Image', render: (r) => h('img', { src: r.image, alt: '', height: 40 }) }, { label: 'Title', key: 'title' }, { label: 'Link', key: 'link' },
      { label: 'Window', render: (r) => `${r.start_date ? jakarta(r.start_date) : '—'} → ${r.end_date ? jakarta(r.end_date) : '—'}` },
      { label: 'Active', render: (r) => h('button', { class: 'secondary', onclick: async () => { await run(() => api('PATCH', `/admin/banners/${r.id}`, { is_active: !r.is_active })); banners(); } }, r.is_active ? 'Hide' : 'Show') },
      { label: 'Order', render: (r) => { const i = list.indexOf(r); return h('div', { class: 'actions' }, h('button', { class: 'secondary', onclick: () => moveBy(i, -1) }, '↑'), h('button', { class: 'secondary', onclick: () => moveBy(i, 1) }, '↓')); } },
      { label: '', render: (r) => h('button', { class: 'danger', onclick: async () => { await run(() => api('DELETE', `/admin/banners/${r.id}`), 'Deleted'); banners(); } }, 'Delete') }], list));
}
