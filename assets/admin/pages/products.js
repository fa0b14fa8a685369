// Products with filters and bulk activate/deactivate; the supplier sync, shown live
// (one at a time), with its past runs.

import { api } from '../lib/api.js';
import { confirm } from '../lib/dialog.js';
import { h, problem, run, toast, view } from '../lib/dom.js';
import { jakarta } from '../lib/format.js';
import { go } from '../lib/nav.js';
import { badge, pager, table } from '../lib/table.js';

const SOURCE = { supplier: 'fetched from Digiflazz now', cache: 'reused the list fetched moments ago (Digiflazz gives one full list per 5 minutes)', none: 'nothing applied' };

function summary(s) {
  if (!s) return '';
  if (s.limited) return `Digiflazz refused the list: ${s.limited}`;
  const age = s.source === 'cache' && s.list_age_secs != null ? ` (${s.list_age_secs} s old)` : '';
  return `${s.added} added, ${s.updated} updated, ${s.deactivated} deactivated, ${s.unchanged} unchanged of ${s.received}; ${SOURCE[s.source] || s.source}${age}; ${(s.duration_ms / 1000).toFixed(1)} s`;
}

export default async function products(params) {
  const render = view(); // renders only while this page is still the one shown
  const q = new URLSearchParams({ page: params.get('page') || 1, per_page: 25 });
  for (const k of ['search', 'category_id', 'brand', 'is_active', 'orderable']) if (params.get(k)) q.set(k, params.get(k));
  const [list, cats, runs] = await Promise.all([api('GET', `/admin/products?${q}`), api('GET', '/admin/categories'), api('GET', '/admin/products/sync-runs').catch(() => [])]);
  const status = h('div', { class: 'run', id: 'sync-status', 'aria-live': 'polite' },
    runs[0] ? h('span', { class: 'muted' }, `Last sync ${jakarta(runs[0].finished_at || runs[0].started_at)}: `, runs[0].ok ? summary(runs[0].summary) : h('span', { class: 'error' }, runs[0].error || summary(runs[0].summary))) : h('span', { class: 'muted' }, 'Never synced.'));
  const sync = h('button', { id: 'sync-now', onclick: async () => {
    sync.disabled = true; sync.classList.add('busy'); sync.textContent = 'Syncing…';
    const started = Date.now();
    const tick = setInterval(() => { status.replaceChildren(h('span', {}, `Fetching the price lists from Digiflazz and applying them… ${Math.round((Date.now() - started) / 1000)} s`)); }, 250);
    try {
      const s = await api('POST', '/admin/products/sync');
      toast(s.limited ? `Digiflazz refused the list: ${s.limited}` : `Sync: ${summary(s)}`, !!s.limited);
    } catch (e) { toast(problem(e), true); }
    finally { clearInterval(tick); }
    render.live() && products(params);
  } }, 'Sync now');
  const setActive = (on) => async (rows) => {
    const sure = await confirm(`${on ? 'Activate' : 'Deactivate'} ${rows.length} product(s)?`, `${rows.map((r) => r.name).join(', ')}\n\n${on ? 'They appear in the shop again (items the supplier offers).' : 'They disappear from the shop; open orders are not touched.'}`, { confirmLabel: on ? 'Activate' : 'Deactivate', danger: !on });
    if (!sure) return;
    let done = 0;
    for (const r of rows) if (await run(() => api('PATCH', `/admin/products/${r.id}`, { is_active: on }))) done++;
    toast(`${done} of ${rows.length} product(s) ${on ? 'activated' : 'deactivated'}`);
    render.live() && products(params);
  };
  render(h('h1', {}, 'Products'),
    h('div', { class: 'card', id: 'sync-card' }, h('div', { class: 'run' }, sync, status),
      runs.length ? h('details', { class: 'fold' }, h('summary', {}, `Past syncs (${runs.length})`),
        table([{ label: 'Started', render: (r) => jakarta(r.started_at) }, { label: 'By', key: 'trigger' }, { label: 'Result', render: (r) => r.ok ? badge('success') : badge('failed') },
          { label: 'What happened', render: (r) => r.error && !r.summary ? r.error : summary(r.summary) }], runs.slice(0, 20))) : null),
    h('form', { class: 'row', onsubmit: (e) => { e.preventDefault(); const p = new URLSearchParams(); for (const [k, v] of new FormData(e.target)) if (v) p.set(k, v); go('#/products?' + p); } },
      h('label', {}, 'Search', h('input', { name: 'search', type: 'search', value: params.get('search') || '' })),
      h('label', {}, 'Category', h('select', { name: 'category_id' }, h('option', { value: '' }, 'any'), cats.map((c) => h('option', { value: c.id, selected: params.get('category_id') == c.id }, c.name)))),
      h('label', {}, 'Brand', h('input', { name: 'brand', value: params.get('brand') || '' })),
      h('label', {}, 'Active', h('select', { name: 'is_active' }, [['', 'any'], ['true', 'active'], ['false', 'inactive']].map(([v, l]) => h('option', { value: v, selected: (params.get('is_active') || '') === v }, l)))),
      h('label', {}, 'Orderable', h('select', { name: 'orderable' }, [['', 'any'], ['true', 'orderable'], ['false', 'not orderable']].map(([v, l]) => h('option', { value: v, selected: (params.get('orderable') || '') === v }, l)))),
      h('button', {}, 'Filter')),
    table([{ label: 'Product', key: 'name' }, { label: 'Category', render: (r) => r.category.name, sortValue: (r) => r.category.name }, { label: 'Brand', key: 'brand' }, { label: 'Type', key: 'type' },
      { label: 'Items', key: 'item_count', num: true }, { label: 'Active', render: (r) => badge(r.is_active ? 'active' : 'inactive'), sortValue: (r) => (r.is_active ? 1 : 0) }],
    list.data, (r) => go(`#/product/${r.id}`), { bulk: [{ label: 'Activate', run: setActive(true) }, { label: 'Deactivate', danger: true, run: setActive(false) }] }),
    pager(list.meta, (p) => { params.set('page', p); go('#/products?' + params); }));
}
