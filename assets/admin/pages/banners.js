// Banners: upload with a schedule (WIB), order, show or hide, delete (asks first).

import { api } from '../lib/api.js';
import { confirm, dialog } from '../lib/dialog.js';
import { h, run, view } from '../lib/dom.js';
import { fromLocalInput, jakarta, toLocalInput } from '../lib/format.js';
import { table } from '../lib/table.js';

export default async function banners() {
  const render = view(); // renders only while this page is still the one shown
  const list = await api('GET', '/admin/banners');
  const upload = h('form', { class: 'row card', id: 'banner-upload', onsubmit: async (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    for (const k of ['start_date', 'end_date']) { const v = fromLocalInput(f.get(k)); if (v) f.set(k, v); else f.delete(k); }
    if (await run(() => api('POST', '/admin/banners', undefined, { form: f }), 'Banner added')) render.live() && banners();
  } },
    h('label', {}, 'Title', h('input', { name: 'title', required: true })), h('label', {}, 'Link', h('input', { name: 'link', placeholder: 'https://… or /products/…' })),
    h('label', {}, 'Image', h('input', { name: 'image', type: 'file', accept: 'image/*', required: true })),
    h('label', {}, 'Show from (WIB)', h('input', { name: 'start_date', type: 'datetime-local' })), h('label', {}, 'Until (WIB)', h('input', { name: 'end_date', type: 'datetime-local' })),
    h('label', {}, 'Position', h('input', { name: 'sort_order', type: 'number', value: 0 })), h('button', {}, 'Upload'));
  const moveBy = async (i, d) => {
    const order = list.map((b, j) => ({ id: b.id, sort_order: j }));
    const k = i + d; if (k < 0 || k >= order.length) return;
    [order[i].sort_order, order[k].sort_order] = [order[k].sort_order, order[i].sort_order];
    if (await run(() => api('POST', '/admin/banners/reorder', { orders: order }), 'Order saved')) render.live() && banners();
  };
  const schedule = async (r) => {
    if (await run(() => dialog(`Schedule "${r.title}"`, [{ name: 'start_date', label: 'Show from (WIB, empty: now)', type: 'datetime-local', value: toLocalInput(r.start_date) }, { name: 'end_date', label: 'Until (WIB, empty: no end)', type: 'datetime-local', value: toLocalInput(r.end_date) }],
      { submit: (v) => api('PATCH', `/admin/banners/${r.id}`, { start_date: fromLocalInput(v.start_date), end_date: fromLocalInput(v.end_date) }) }), 'Schedule saved')) render.live() && banners();
  };
  const remove = async (r) => {
    if (await confirm(`Delete "${r.title}"?`, 'The banner and its image are deleted for good. To take it down for a while, hide it instead.', { confirmLabel: 'Delete' }) && await run(() => api('DELETE', `/admin/banners/${r.id}`), 'Banner deleted')) render.live() && banners();
  };
  const toggle = async (r) => { if (await run(() => api('PATCH', `/admin/banners/${r.id}`, { is_active: !r.is_active }), r.is_active ? 'Hidden' : 'Shown')) render.live() && banners(); };
  render(h('h1', {}, 'Banners'), upload,
    table([{ label: 'Image', render: (r) => h('img', { src: r.image, alt: '', height: 40 }) }, { label: 'Title', key: 'title' }, { label: 'Link', key: 'link' },
      { label: 'Window (WIB)', render: (r) => [`${r.start_date ? jakarta(r.start_date) : 'now'} → ${r.end_date ? jakarta(r.end_date) : 'no end'} `, h('button', { class: 'secondary', onclick: () => schedule(r) }, 'Schedule…')] },
      { label: 'Shown', render: (r) => h('button', { class: 'secondary', onclick: () => toggle(r) }, r.is_active ? 'Hide' : 'Show') },
      { label: 'Order', render: (r) => { const i = list.indexOf(r); return h('div', { class: 'actions' }, h('button', { class: 'secondary', 'aria-label': 'move up', onclick: () => moveBy(i, -1) }, '↑'), h('button', { class: 'secondary', 'aria-label': 'move down', onclick: () => moveBy(i, 1) }, '↓')); } },
      { label: 'Delete', render: (r) => h('button', { class: 'danger', onclick: () => remove(r) }, 'Delete…') }], list, null, { empty: 'No banners yet.' }));
}
