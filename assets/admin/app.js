// lapak admin console. Plain ES module, no build step. It talks only to /api/v1.
// The bearer token lives in this module's memory only: a reload asks to log in again.

const API = '/api/v1';
let token = null;

// ---- helpers -------------------------------------------------------------------------

/** Builds DOM without innerHTML, so data can never become markup. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export const rupiah = (n) => 'Rp ' + Math.round(Number(n || 0)).toLocaleString('id-ID');
export const jakarta = (iso) => iso ? new Date(iso).toLocaleString('id-ID', { timeZone: 'Asia/Jakarta', dateStyle: 'medium', timeStyle: 'short' }) : '';

class ApiError extends Error {
  constructor(status, body) { super(body?.message || `HTTP ${status}`); this.status = status; this.body = body; }
}

async function api(method, path, body, { raw = false, form = null } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  let payload;
  if (form) payload = form;
  else if (body !== undefined) { headers['content-type'] = 'application/json'; payload = JSON.stringify(body); }
  const res = await fetch(API + path, { method, headers, body: payload });
  if (res.status === 401 && token) { logout(); throw new ApiError(401, { message: 'session ended; log in again' }); }
  if (raw) { if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => null)); return res; }
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

function toast(message, bad = false) {
  const t = h('div', { class: 'toast' + (bad ? ' bad' : '') }, message);
  document.getElementById('toasts').append(t);
  setTimeout(() => t.remove(), 4500);
}

async function run(action, okMessage) {
  try { const r = await action(); if (okMessage) toast(okMessage); return r; }
  catch (e) { toast((e.body?.field ? e.body.field + ': ' : '') + e.message, true); throw e; }
}

function badge(value) {
  const kind = { success: 'ok', paid: 'ok', completed: 'ok', active: 'ok', Done: 'ok', approved: 'info',
    failed: 'bad', expired: 'bad', rejected: 'bad', suspended: 'bad', Failed: 'bad', Killed: 'bad',
    pending: 'warn', processing: 'info', refunded: 'info', Pending: 'warn', Running: 'info', Queued: 'info' }[value];
  return h('span', { class: 'badge ' + (kind || '') }, value ?? '');
}

function table(columns, rows, onRow) {
  return h('table', {},
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { class: c.num ? 'num' : '' }, c.label)))),
    h('tbody', {}, rows.length ? rows.map((r) => h('tr', { class: onRow ? 'click' : '', onclick: onRow ? () => onRow(r) : null },
      columns.map((c) => h('td', { class: c.num ? 'num' : '' }, c.render ? c.render(r) : (r[c.key] ?? ''))))) :
      h('tr', {}, h('td', { colspan: columns.length, class: 'muted' }, 'Nothing here yet.'))));
}

function pager(meta, go) {
  if (!meta) return null;
  return h('div', { class: 'pager' },
    h('button', { class: 'secondary', disabled: meta.page <= 1, onclick: () => go(meta.page - 1) }, 'Previous'),
    h('span', { class: 'muted' }, `page ${meta.page} of ${meta.last_page} · ${meta.total} total`),
    h('button', { class: 'secondary', disabled: meta.page >= meta.last_page, onclick: () => go(meta.page + 1) }, 'Next'));
}

/** A form in the dialog. fields: [{name, label, type, value, options, required}]. Resolves with the values or null. */
function dialog(title, fields, submitLabel = 'Save') {
  const dlg = document.getElementById('dialog');
  const form = document.getElementById('dialog-form');
  form.replaceChildren(h('h2', {}, title), ...fields.map((f) => {
    let input;
    if (f.type === 'select') input = h('select', { name: f.name }, f.options.map((o) => h('option', { value: o, selected: String(f.value) === String(o) }, o)));
    else if (f.type === 'textarea') { input = h('textarea', { name: f.name }); input.value = f.value ?? ''; }
    else if (f.type === 'checkbox') input = h('input', { name: f.name, type: 'checkbox', checked: !!f.value });
    else input = h('input', { name: f.name, type: f.type || 'text', value: f.value ?? '', required: !!f.required, step: f.type === 'number' ? 'any' : null });
    return h('label', {}, f.label, input);
  }), h('div', { class: 'actions' }, h('button', { value: 'ok' }, submitLabel), h('button', { value: 'cancel', class: 'secondary', formnovalidate: true }, 'Cancel')));
  dlg.showModal();
  return new Promise((resolve) => {
    dlg.onclose = () => {
      if (dlg.returnValue !== 'ok') return resolve(null);
      const out = {};
      for (const f of fields) {
        const el = form.elements[f.name];
        if (f.type === 'checkbox') out[f.name] = el.checked;
        else if (f.type === 'number') out[f.name] = el.value === '' ? null : Number(el.value);
        else out[f.name] = el.value;
      }
      resolve(out);
    };
  });
}

function barChart(points, valueKey, label) {
  const w = 600, hgt = 160, pad = 24;
  const max = Math.max(1, ...points.map((p) => p[valueKey]));
  const bw = points.length ? (w - pad * 2) / points.length : 0;
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${w} ${hgt + 20}`); svg.setAttribute('class', 'chart');
  svg.setAttribute('role', 'img'); svg.setAttribute('aria-label', label);
  points.forEach((p, i) => {
    const bh = (p[valueKey] / max) * (hgt - pad);
    const r = document.createElementNS(ns, 'rect');
    r.setAttribute('x', pad + i * bw + 2); r.setAttribute('y', hgt - bh); r.setAttribute('width', Math.max(bw - 4, 2)); r.setAttribute('height', bh);
    r.setAttribute('fill', '#0f766e');
    const t = document.createElementNS(ns, 'title'); t.textContent = `${p.key}: ${valueKey === 'count' ? p[valueKey] : rupiah(p[valueKey])}`; r.append(t);
    svg.append(r);
    if (points.length <= 14 || i % 5 === points.length % 5) {
      const lab = document.createElementNS(ns, 'text');
      lab.setAttribute('x', pad + i * bw + bw / 2); lab.setAttribute('y', hgt + 14); lab.setAttribute('font-size', '10');
      lab.setAttribute('text-anchor', 'middle'); lab.setAttribute('fill', '#6b7280'); lab.textContent = String(p.key).slice(5);
      svg.append(lab);
    }
  });
  return svg;
}

/** The last `days` Jakarta dates, each with its bucket or zeros (a chart shows quiet days too). */
function fillDays(points, days) {
  const byKey = new Map(points.map((p) => [p.key, p]));
  const out = [];
  const now = Date.now() + 7 * 3600 * 1000; // Asia/Jakarta is UTC+7 all year
  for (let i = days - 1; i >= 0; i--) {
    const key = new Date(now - i * 86400000).toISOString().slice(0, 10);
    out.push(byKey.get(key) || { key, count: 0, revenue: 0, profit: 0 });
  }
  return out;
}

function stat(label, value, extra) {
  return h('div', { class: 'card stat' }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value), extra || null);
}

const main = () => document.getElementById('main');
function render(...nodes) { main().replaceChildren(...nodes.flat().filter((n) => n !== null && n !== undefined && n !== false)); }

// ---- pages ---------------------------------------------------------------------------

const pages = {
  async dashboard() {
    const [today, week, month] = await Promise.all(['today', 'week', 'month'].map((p) => api('GET', `/admin/dashboard?period=${p}`)));
    let deposit = null;
    try { deposit = (await api('GET', '/admin/supplier/balance')).deposit; } catch (_) { /* shown as unknown */ }
    const settings = await api('GET', '/admin/settings?group=admin').catch(() => []);
    const low = Number(settings.find((s) => s.key === 'admin.low_deposit')?.value || 500000);
    const jobs = await api('GET', '/admin/jobs?status=Failed&limit=1').catch(() => ({ counts: [] }));
    const attention = await api('GET', '/admin/transactions/attention?per_page=1').catch(() => ({ meta: { total: 0 } }));
    const failedJobs = jobs.counts.find((c) => c.status === 'Failed')?.count || 0;
    const fig = (d, label) => stat(label, rupiah(d.figures.revenue), h('div', { class: 'muted' }, `profit ${rupiah(d.figures.profit)} · ${d.figures.orders} orders`));
    render(
      h('h1', {}, 'Dashboard'),
      attention.meta.total > 0 ? h('div', { class: 'alert', id: 'attention-alert' }, h('a', { href: '#/orders?attention=1' }, `${attention.meta.total} order(s) need your attention`), ' (unknown outcomes, deliveries after a refund, Tripay refunds, overcharges)') : null,
      deposit !== null && deposit < low ? h('div', { class: 'alert', id: 'low-deposit' }, `Digiflazz deposit is low: ${rupiah(deposit)} (warning below ${rupiah(low)}). Top up at Digiflazz.`) : null,
      h('div', { class: 'grid' },
        fig(today, 'Revenue today'), fig(week, 'Revenue, 7 days'), fig(month, 'Revenue, 30 days'),
        stat('Digiflazz deposit', deposit === null ? 'unknown' : rupiah(deposit)),
        stat('Refund required', h('a', { href: '#/orders?refund=1', id: 'refund-required' }, String(month.refund_required))),
        stat('Needs attention', h('a', { href: '#/orders?attention=1', id: 'attention-count' }, String(attention.meta.total))),
        stat('Waiting on supplier', String(month.processing)),
        stat('Failed jobs', h('a', { href: '#/jobs' }, String(failedJobs))),
        stat('New users, 30 days', String(month.new_users))),
      h('div', { class: 'two' },
        h('div', {}, h('h2', {}, 'Revenue per day (30 days)'), barChart(fillDays(month.daily, 30), 'revenue', 'revenue per day')),
        h('div', {}, h('h2', {}, 'Orders per day (30 days)'), barChart(fillDays(month.daily, 30), 'count', 'orders per day'))),
      h('div', { class: 'two' },
        h('div', {}, h('h2', {}, 'Orders by status (30 days)'), table([{ label: 'Status', render: (r) => badge(r.key) }, { label: 'Orders', key: 'count', num: true }], month.orders_by_status)),
        h('div', {}, h('h2', {}, 'Top products (30 days)'), table([{ label: 'Product', key: 'key' }, { label: 'Sold', key: 'count', num: true }, { label: 'Revenue', num: true, render: (r) => rupiah(r.revenue) }], month.top_products))));
  },

  async orders(params) {
    if (params.get('attention') === '1') {
      const list = await api('GET', `/admin/transactions/attention?page=${params.get('page') || 1}&per_page=25`);
      return render(h('h1', {}, 'Needs attention'), h('p', {}, h('a', { href: '#/orders' }, '← all orders')),
        h('p', { class: 'muted' }, 'Orders lapak could not settle on its own. Open one, deal with it, then resolve it with a note.'),
        table([{ label: 'Code', key: 'transaction_code' }, { label: 'Since', render: (r) => jakarta(r.attention_at) }, { label: 'Why', render: (r) => badge(r.attention) },
          { label: 'Status', render: (r) => badge(r.status) }, { label: 'Total', num: true, render: (r) => rupiah(r.total_price) }, { label: 'Note', key: 'attention_note' }],
        list.data, (r) => go(`#/order/${r.transaction_code}`)),
        pager(list.meta, (p) => { params.set('page', p); go('#/orders?' + params); }));
    }
    if (params.get('refund') === '1') {
      const rows = await api('GET', '/admin/transactions/refund-required');
      return render(h('h1', {}, 'Refund required'), h('p', {}, h('a', { href: '#/orders' }, '← all orders')),
        table([{ label: 'Code', key: 'transaction_code' }, { label: 'Product', key: 'product_name' }, { label: 'Total', num: true, render: (r) => rupiah(r.total_price) },
          { label: 'Customer', render: (r) => r.contact_email || '' }, { label: 'Guest', render: (r) => r.is_guest ? 'yes' : 'no' }, { label: 'Reason', key: 'failed_reason' }],
        rows, (r) => go(`#/order/${r.transaction_code}`)));
    }
    const q = new URLSearchParams({ page: params.get('page') || 1, per_page: 25 });
    for (const k of ['status', 'search', 'from', 'to', 'user_id']) if (params.get(k)) q.set(k, params.get(k));
    const list = await api('GET', `/admin/transactions?${q}`);
    const filters = h('form', { class: 'row', id: 'order-filters', onsubmit: (e) => { e.preventDefault(); const f = new FormData(e.target); const p = new URLSearchParams(); for (const [k, v] of f) if (v) p.set(k, v); go('#/orders?' + p); } },
      h('label', {}, 'Status', h('select', { name: 'status' }, ['', 'pending', 'processing', 'success', 'failed', 'refunded'].map((s) => h('option', { value: s, selected: params.get('status') === s }, s || 'any')))),
      h('label', {}, 'Search (code, customer no., e-mail)', h('input', { name: 'search', value: params.get('search') || '' })),
      h('label', {}, 'From', h('input', { type: 'date', name: 'from', value: params.get('from') || '' })),
      h('label', {}, 'To', h('input', { type: 'date', name: 'to', value: params.get('to') || '' })),
      h('label', {}, 'User id', h('input', { name: 'user_id', value: params.get('user_id') || '', size: 6 })),
      h('button', {}, 'Filter'));
    render(h('h1', {}, 'Orders'), filters,
      table([{ label: 'Code', key: 'transaction_code' }, { label: 'Created', render: (r) => jakarta(r.created_at) }, { label: 'Product', key: 'product_name' },
        { label: 'Customer no.', key: 'customer_no' }, { label: 'Total', num: true, render: (r) => rupiah(r.total_price) },
        { label: 'Payment', render: (r) => badge(r.payment_status) }, { label: 'Status', render: (r) => badge(r.status) }],
      list.data, (r) => go(`#/order/${r.transaction_code}`)),
      pager(list.meta, (p) => { params.set('page', p); go('#/orders?' + params); }));
  },

  async order(params, code) {
    const o = await api('GET', `/admin/transactions/${code}`);
    const act = (label, fn, cls) => h('button', { class: cls, onclick: async () => { await run(fn, `${label}: done`); pages.order(params, code); } }, label);
    const actions = h('div', { class: 'actions' },
      o.status === 'processing' ? act('Re-check supplier', () => api('POST', `/admin/transactions/${code}/recheck`)) : null,
      o.status === 'processing' ? act('Retry (same ref_id)', () => api('POST', `/admin/transactions/${code}/retry`)) : null,
      o.status === 'failed' && o.payment_status === 'paid' && !o.refund_required && o.payer_user_id ? act('Refund to balance', () => api('POST', `/admin/transactions/${code}/refund`)) : null,
      o.refund_required ? act('Mark refunded…', async () => { const v = await dialog('Mark refunded', [{ name: 'note', label: 'Note (how the money went back)', required: true }]); if (v) return api('POST', `/admin/transactions/${code}/mark-refunded`, v); }, 'secondary') : null,
      o.attention ? act('Resolve…', async () => { const v = await dialog('Resolve attention', [{ name: 'note', label: 'What you did about it', required: true }]); if (v) return api('POST', `/admin/transactions/${code}/resolve`, v); }, 'secondary') : null,
      ['pending', 'processing'].includes(o.status) ? act('Set status…', async () => {
        const fields = [{ name: 'status', label: 'New status', type: 'select', options: o.status === 'pending' ? ['failed'] : ['success', 'failed'] }, { name: 'reason', label: 'Reason', required: true }];
        if (o.status === 'processing') fields.push({ name: 'sn', label: 'SN / token (when setting success)' }, { name: 'force', label: "Fail without asking the supplier first (it may still deliver: a late delivery is put on the attention list)", type: 'checkbox' });
        const v = await dialog('Set status', fields);
        if (v) { if (!v.sn) delete v.sn; return api('POST', `/admin/transactions/${code}/status`, v); }
      }, 'secondary') : null);
    const p = o.payment;
    render(h('p', {}, h('a', { href: '#/orders' }, '← orders')),
      h('h1', {}, `Order ${o.transaction_code} `, badge(o.status)),
      o.attention ? h('div', { class: 'alert', id: 'order-attention' }, h('strong', {}, `Needs attention: ${o.attention.replaceAll('_', ' ')}. `), o.attention_note || '') : null,
      o.late_paid_at ? h('div', { class: 'alert' }, `Paid late (${jakarta(o.late_paid_at)}), after the order was closed: the money goes back to whoever paid.`) : null,
      actions,
      h('div', { class: 'grid' },
        stat('Total', rupiah(o.total_price), h('div', { class: 'muted' }, `price ${rupiah(o.product_price)} − discount ${rupiah(o.discount_amount)} + fee ${rupiah(o.admin_fee)}`)),
        stat('Supplier cost', rupiah(o.base_price), o.supplier_price !== null && o.supplier_price !== undefined ? h('div', { class: o.supplier_price > o.base_price ? 'error' : 'muted' }, `charged ${rupiah(o.supplier_price)}`) : null),
        stat('Payment', o.payment_method || '', badge(o.payment_status)),
        stat('SN / token', h('span', { id: 'order-sn' }, o.sn || '—'))),
      h('div', { class: 'two' },
        h('div', { class: 'card' }, h('h2', {}, 'Order'), h('div', {}, `${o.product_name || ''}`), h('div', {}, `Customer no.: ${o.customer_no || ''}`),
          h('div', {}, `Contact: ${o.contact_email || ''} ${o.contact_phone || ''}`), h('div', {}, `Created ${jakarta(o.created_at)}`),
          o.failed_reason ? h('div', { class: 'error' }, o.failed_reason) : null),
        h('div', { class: 'card' }, h('h2', {}, 'Payment'), p ? [h('div', {}, `${p.channel} · ref ${p.reference}`), h('div', {}, `Amount ${rupiah(p.amount)} + fee ${rupiah(p.fee)} = ${rupiah(p.total_amount)}`),
          h('div', {}, `Status `, badge(p.status)), p.pay_code ? h('div', {}, `Pay code ${p.pay_code}`) : null, p.paid_at ? h('div', {}, `Paid ${jakarta(p.paid_at)}`) : null] : h('div', { class: 'muted' }, 'Paid from balance'))),
      h('h2', {}, 'History'), table([{ label: 'When', render: (r) => jakarta(r.created_at) }, { label: 'From', key: 'status_from' }, { label: 'To', render: (r) => badge(r.status_to) }, { label: 'Why', key: 'message' }], o.logs),
      h('h2', {}, 'Supplier answers'), table([{ label: 'When', render: (r) => jakarta(r.created_at) }, { label: 'Kind', key: 'kind' }, { label: 'Outcome', render: (r) => badge(r.outcome) }, { label: 'rc', key: 'rc' }, { label: 'Message', key: 'message' }], o.supplier_calls),
      h('h2', {}, 'Payment callbacks'), table([{ label: 'When', render: (r) => jakarta(r.created_at) }, { label: 'Valid', render: (r) => r.is_valid ? 'yes' : 'no' }, { label: 'Outcome', key: 'outcome' }, { label: 'Body', render: (r) => h('pre', {}, r.callback_data) }], o.callbacks));
  },

  async products(params) {
    const q = new URLSearchParams({ page: params.get('page') || 1, per_page: 25 });
    for (const k of ['search', 'category_id', 'brand', 'is_active', 'orderable']) if (params.get(k)) q.set(k, params.get(k));
    const [list, cats] = await Promise.all([api('GET', `/admin/products?${q}`), api('GET', '/admin/categories')]);
    const sync = h('button', { id: 'sync-now', onclick: async () => {
      const s = await run(() => api('POST', '/admin/products/sync'));
      toast(s.limited ? `Digiflazz refused the list: ${s.limited}` : `Sync: ${s.added} added, ${s.updated} updated, ${s.deactivated} deactivated, ${s.unchanged} unchanged`);
      pages.products(params);
    } }, 'Sync now');
    render(h('h1', {}, 'Products'),
      h('form', { class: 'row', onsubmit: (e) => { e.preventDefault(); const p = new URLSearchParams(); for (const [k, v] of new FormData(e.target)) if (v) p.set(k, v); go('#/products?' + p); } },
        h('label', {}, 'Search', h('input', { name: 'search', value: params.get('search') || '' })),
        h('label', {}, 'Category', h('select', { name: 'category_id' }, h('option', { value: '' }, 'any'), cats.map((c) => h('option', { value: c.id, selected: params.get('category_id') == c.id }, c.name)))),
        h('label', {}, 'Brand', h('input', { name: 'brand', value: params.get('brand') || '' })),
        h('label', {}, 'Active', h('select', { name: 'is_active' }, ['', 'true', 'false'].map((v) => h('option', { value: v, selected: params.get('is_active') === v }, v || 'any')))),
        h('label', {}, 'Orderable', h('select', { name: 'orderable' }, ['', 'true', 'false'].map((v) => h('option', { value: v, selected: params.get('orderable') === v }, v || 'any')))),
        h('button', {}, 'Filter'), sync),
      table([{ label: 'Product', key: 'name' }, { label: 'Category', render: (r) => r.category.name }, { label: 'Brand', key: 'brand' }, { label: 'Type', key: 'type' },
        { label: 'Items', key: 'item_count', num: true }, { label: 'Active', render: (r) => badge(r.is_active ? 'active' : 'inactive') }],
      list.data, (r) => go(`#/product/${r.id}`)),
      pager(list.meta, (p) => { params.set('page', p); go('#/products?' + params); }));
  },

  async product(params, id) {
    const p = await api('GET', `/admin/products/${id}`);
    const edit = async () => {
      const v = await dialog(`Edit ${p.name}`, [
        { name: 'name', label: 'Name', value: p.name }, { name: 'description', label: 'Description', type: 'textarea', value: p.description || '' },
        { name: 'input_fields', label: 'Input fields (JSON)', type: 'textarea', value: JSON.stringify(p.input_fields, null, 1) },
        { name: 'customer_no_format', label: 'Customer number format', value: p.customer_no_format },
        { name: 'is_featured', label: 'Featured', type: 'checkbox', value: p.is_featured }, { name: 'sort_order', label: 'Sort order', type: 'number', value: p.sort_order }]);
      if (!v) return;
      try { v.input_fields = JSON.parse(v.input_fields); } catch (_) { return toast('input fields: not valid JSON', true); }
      await run(() => api('PATCH', `/admin/products/${id}`, v), 'Product saved'); pages.product(params, id);
    };
    const toggle = async () => { await run(() => api('PATCH', `/admin/products/${id}`, { is_active: !p.is_active }), p.is_active ? 'Disabled' : 'Enabled'); pages.product(params, id); };
    const editItem = async (it) => {
      const v = await dialog(`${it.name} (${it.sku})`, [{ name: 'name', label: 'Name', value: it.name },
        { name: 'retail_price', label: `Retail price (cost ${rupiah(it.base_price)}; a set price is kept by syncs)`, type: 'number', value: it.retail_price },
        { name: 'reseller_price', label: 'Reseller price', type: 'number', value: it.reseller_price }, { name: 'is_active', label: 'Active', type: 'checkbox', value: it.is_active }]);
      if (!v) return;
      const body = { name: v.name, is_active: v.is_active };
      if (v.retail_price !== it.retail_price) body.retail_price = v.retail_price;
      if (v.reseller_price !== it.reseller_price) body.reseller_price = v.reseller_price;
      await run(() => api('PATCH', `/admin/items/${it.id}`, body), 'Item saved'); pages.product(params, id);
    };
    render(h('p', {}, h('a', { href: '#/products' }, '← products')), h('h1', {}, p.name, ' ', badge(p.is_active ? 'active' : 'inactive')),
      h('div', { class: 'actions' }, h('button', { onclick: edit }, 'Edit'), h('button', { class: 'secondary', onclick: toggle }, p.is_active ? 'Disable' : 'Enable')),
      h('p', { class: 'muted' }, `${p.category.name} · ${p.brand} · ${p.type} · customer no. = ${p.customer_no_format}`),
      table([{ label: 'SKU', key: 'sku' }, { label: 'Item', key: 'name' }, { label: 'Cost', num: true, render: (r) => rupiah(r.base_price) },
        { label: 'Retail', num: true, render: (r) => [rupiah(r.retail_price), r.retail_price_override != null ? ' *' : ''] },
        { label: 'Reseller', num: true, render: (r) => [rupiah(r.reseller_price), r.reseller_price_override != null ? ' *' : ''] },
        { label: 'Orderable', render: (r) => r.is_orderable ? badge('active') : badge(r.unavailable_reason) }, { label: 'Sold', key: 'total_sold', num: true }],
      p.items, editItem), h('p', { class: 'muted' }, '* a price set by hand (kept by syncs).'));
  },

  async categories() {
    const cats = await api('GET', '/admin/categories');
    const add = async () => { const v = await dialog('New category', [{ name: 'name', label: 'Name', required: true }, { name: 'sort_order', label: 'Sort order', type: 'number', value: 0 }]); if (v) { await run(() => api('POST', '/admin/categories', v), 'Category added'); pages.categories(); } };
    render(h('h1', {}, 'Categories'), h('div', { class: 'actions' }, h('button', { onclick: add }, 'New category')),
      table([{ label: 'Name', key: 'name' }, { label: 'Slug', key: 'slug' }, { label: 'Products', key: 'product_count', num: true }, { label: 'Order', key: 'sort_order', num: true },
        { label: 'Active', render: (r) => h('button', { class: 'secondary', onclick: async (e) => { e.stopPropagation(); await run(() => api('PATCH', `/admin/categories/${r.id}`, { is_active: !r.is_active })); pages.categories(); } }, r.is_active ? 'Disable' : 'Enable') }], cats));
  },

  async pricing() {
    const rules = await api('GET', '/admin/pricing-rules');
    const edit = async (r) => {
      const v = await dialog(`Rule: ${r.scope} ${r.brand || r.category_id || r.product_id || ''} (${r.tier})`, [
        { name: 'percent_bp', label: 'Percent, in hundredths (250 = 2.5 %)', type: 'number', value: r.percent_bp }, { name: 'flat', label: 'Flat (Rp)', type: 'number', value: r.flat },
        { name: 'min_profit', label: 'Minimum profit', type: 'number', value: r.min_profit }, { name: 'max_profit', label: 'Maximum profit (empty: none)', type: 'number', value: r.max_profit ?? '' },
        { name: 'round_to', label: 'Round up to (Rp)', type: 'number', value: r.round_to }]);
      if (!v) return;
      if (v.max_profit === null) { delete v.max_profit; v.clear_max_profit = true; }
      const res = await run(() => api('PATCH', `/admin/pricing-rules/${r.id}`, v));
      toast(`Rule saved; ${res.repriced_items} items repriced`); pages.pricing();
    };
    const add = async () => {
      const v = await dialog('New rule', [{ name: 'scope', label: 'Scope', type: 'select', options: ['brand', 'category', 'product', 'global'] },
        { name: 'target', label: 'Brand name, category id or product id' }, { name: 'tier', label: 'Tier', type: 'select', options: ['retail', 'reseller'] },
        { name: 'percent_bp', label: 'Percent (hundredths)', type: 'number', value: 0 }, { name: 'flat', label: 'Flat (Rp)', type: 'number', value: 0 }, { name: 'round_to', label: 'Round up to', type: 'number', value: 100 }]);
      if (!v) return;
      const body = { scope: v.scope, tier: v.tier, percent_bp: v.percent_bp || 0, flat: v.flat || 0, round_to: v.round_to || 1 };
      if (v.scope === 'brand') body.brand = v.target; if (v.scope === 'category') body.category_id = Number(v.target); if (v.scope === 'product') body.product_id = Number(v.target);
      const res = await run(() => api('POST', '/admin/pricing-rules', body)); toast(`Rule added; ${res.repriced_items} items repriced`); pages.pricing();
    };
    render(h('h1', {}, 'Pricing rules'), h('p', { class: 'muted' }, 'Selling price = supplier price + profit. The most specific rule wins: product > brand > category > global.'),
      h('div', { class: 'actions' }, h('button', { onclick: add }, 'New rule')),
      table([{ label: 'Scope', key: 'scope' }, { label: 'Target', render: (r) => r.brand || r.category_id || r.product_id || 'all' }, { label: 'Tier', key: 'tier' },
        { label: 'Percent', num: true, render: (r) => (r.percent_bp / 100).toFixed(2) + ' %' }, { label: 'Flat', num: true, render: (r) => rupiah(r.flat) },
        { label: 'Min', num: true, render: (r) => rupiah(r.min_profit) }, { label: 'Max', num: true, render: (r) => r.max_profit == null ? '—' : rupiah(r.max_profit) }, { label: 'Round to', num: true, key: 'round_to' }],
      rules, edit));
  },

  async users(params) {
    const q = new URLSearchParams({ page: params.get('page') || 1, per_page: 25 });
    for (const k of ['search', 'customer_type', 'status']) if (params.get(k)) q.set(k, params.get(k));
    const list = await api('GET', `/admin/users?${q}`);
    render(h('h1', {}, 'Users'),
      h('form', { class: 'row', onsubmit: (e) => { e.preventDefault(); const p = new URLSearchParams(); for (const [k, v] of new FormData(e.target)) if (v) p.set(k, v); go('#/users?' + p); } },
        h('label', {}, 'Search', h('input', { name: 'search', value: params.get('search') || '' })),
        h('label', {}, 'Type', h('select', { name: 'customer_type' }, ['', 'retail', 'reseller'].map((v) => h('option', { value: v, selected: params.get('customer_type') === v }, v || 'any')))),
        h('button', {}, 'Search')),
      table([{ label: 'Name', key: 'name' }, { label: 'E-mail', key: 'email' }, { label: 'Phone', key: 'phone' }, { label: 'Role', key: 'role' }, { label: 'Type', key: 'customer_type' },
        { label: 'Balance', num: true, render: (r) => rupiah(r.balance) }, { label: 'Status', render: (r) => badge(r.status) }], list.data, (r) => go(`#/user/${r.id}`)),
      pager(list.meta, (p) => { params.set('page', p); go('#/users?' + params); }));
  },

  async user(params, id) {
    const [u, muts] = await Promise.all([api('GET', `/admin/users/${id}`), api('GET', `/admin/users/${id}/mutations?per_page=50`)]);
    const patch = async (body, msg) => { await run(() => api('PATCH', `/admin/users/${id}`, body), msg); pages.user(params, id); };
    const adjust = async () => {
      const v = await dialog('Adjust balance', [{ name: 'amount', label: 'Amount (negative to take)', type: 'number', required: true }, { name: 'reason', label: 'Reason', required: true }]);
      if (v) { await run(() => api('POST', `/admin/users/${id}/balance-adjustments`, v), 'Balance adjusted'); pages.user(params, id); }
    };
    render(h('p', {}, h('a', { href: '#/users' }, '← users')), h('h1', {}, u.name, ' ', badge(u.status)),
      h('p', { class: 'muted' }, `${u.email} · ${u.phone || 'no phone'} · ${u.role} · ${u.customer_type} · referred ${u.referral_count} · joined ${jakarta(u.created_at)}`),
      h('div', { class: 'grid' }, stat('Balance', h('span', { id: 'user-balance' }, rupiah(u.balance)))),
      h('div', { class: 'actions' },
        u.customer_type === 'retail' ? h('button', { onclick: () => patch({ customer_type: 'reseller' }, 'Now a reseller') }, 'Promote to reseller') : h('button', { class: 'secondary', onclick: () => patch({ customer_type: 'retail' }, 'Now retail') }, 'Make retail'),
        h('button', { onclick: adjust }, 'Adjust balance'),
        u.status === 'active' ? h('button', { class: 'danger', onclick: () => patch({ status: 'suspended' }, 'Suspended') }, 'Suspend') : h('button', { class: 'secondary', onclick: () => patch({ status: 'active' }, 'Reactivated') }, 'Reactivate'),
        h('a', { href: `#/orders?user_id=${id}` }, 'Orders')),
      h('h2', {}, 'Balance movements'),
      table([{ label: 'When', render: (r) => jakarta(r.created_at) }, { label: 'Kind', key: 'kind' }, { label: 'Amount', num: true, render: (r) => rupiah(r.amount) },
        { label: 'After', num: true, render: (r) => rupiah(r.balance_after) }, { label: 'Order', key: 'transaction_code' }, { label: 'Description', key: 'description' }], muts.data));
  },

  async withdrawals(params) {
    const list = await api('GET', `/admin/withdrawals?per_page=50${params.get('status') ? '&status=' + params.get('status') : ''}`);
    const move = async (w, to) => {
      const v = await dialog(`${to} ${w.reference_id}`, [{ name: 'note', label: 'Note' }], to);
      if (v) { await run(() => api('POST', `/admin/withdrawals/${w.id}/${to}`, v), `Withdrawal ${to}d`); pages.withdrawals(params); }
    };
    render(h('h1', {}, 'Withdrawals'), h('p', { class: 'muted' }, 'Pending first. The amount is held from the balance; a rejection returns it.'),
      table([{ label: 'Reference', key: 'reference_id' }, { label: 'User', key: 'user_id' }, { label: 'Amount', num: true, render: (r) => rupiah(r.amount) },
        { label: 'To', render: (r) => `${r.payment_method} ${r.account_number} (${r.account_name})` }, { label: 'Status', render: (r) => badge(r.status) },
        { label: 'Note', key: 'admin_note' }, { label: '', render: (r) => h('div', { class: 'actions' },
          r.status === 'pending' ? h('button', { onclick: () => move(r, 'approve') }, 'Approve') : null,
          r.status === 'approved' ? h('button', { onclick: () => move(r, 'complete') }, 'Complete') : null,
          ['pending', 'approved'].includes(r.status) ? h('button', { class: 'danger', onclick: () => move(r, 'reject') }, 'Reject') : null) }], list.data));
  },

  async vouchers() {
    const list = await api('GET', '/admin/vouchers');
    const form = (v = {}) => [{ name: 'code', label: 'Code', value: v.code || '', required: true }, { name: 'name', label: 'Name', value: v.name || '', required: true },
      { name: 'type', label: 'Type', type: 'select', options: ['percentage', 'fixed'], value: v.type }, { name: 'value', label: 'Value (percent or Rp)', type: 'number', value: v.value ?? '' },
      { name: 'max_discount', label: 'Max discount (Rp)', type: 'number', value: v.max_discount ?? '' }, { name: 'min_transaction', label: 'Min purchase (Rp)', type: 'number', value: v.min_transaction ?? 0 },
      { name: 'usage_limit', label: 'Total uses (empty: unlimited)', type: 'number', value: v.usage_limit ?? '' }, { name: 'user_limit', label: 'Uses per user', type: 'number', value: v.user_limit ?? 1 },
      { name: 'customer_type', label: 'For', type: 'select', options: ['all', 'retail', 'reseller'], value: v.customer_type }, { name: 'is_public', label: 'Listed publicly', type: 'checkbox', value: v.is_public }];
    const clean = (v) => { for (const k of Object.keys(v)) if (v[k] === null || v[k] === '') delete v[k]; return v; };
    const create = async () => { const v = await dialog('New voucher', form()); if (v) { await run(() => api('POST', '/admin/vouchers', clean(v)), 'Voucher created'); pages.vouchers(); } };
    const edit = async (r) => {
      const v = await dialog(`Edit ${r.code}`, form(r).filter((f) => f.name !== 'code'));
      if (v) { await run(() => api('PATCH', `/admin/vouchers/${r.id}`, clean(v)), 'Voucher saved'); pages.vouchers(); }
    };
    const usages = async (r) => {
      const rows = await api('GET', `/admin/vouchers/${r.id}/usages`);
      document.getElementById('usages').replaceChildren(h('h2', {}, `Uses of ${r.code}`),
        table([{ label: 'When', render: (u) => jakarta(u.created_at) }, { label: 'User', key: 'user_email' }, { label: 'Order', render: (u) => h('a', { href: `#/order/${u.transaction_code}` }, u.transaction_code) },
          { label: 'Discount', num: true, render: (u) => rupiah(u.discount_amount) }, { label: 'Released', render: (u) => u.released_at ? 'yes (order not paid)' : '' }], rows));
    };
    render(h('h1', {}, 'Vouchers'), h('div', { class: 'actions' }, h('button', { id: 'new-voucher', onclick: create }, 'New voucher')),
      table([{ label: 'Code', key: 'code' }, { label: 'Name', key: 'name' }, { label: 'Discount', render: (r) => r.type === 'percentage' ? `${r.value} %` : rupiah(r.value) },
        { label: 'Used', num: true, render: (r) => `${r.usage_count}${r.usage_limit != null ? ' / ' + r.usage_limit : ''}` }, { label: 'For', key: 'customer_type' },
        { label: 'Active', render: (r) => r.is_active ? h('button', { class: 'secondary', onclick: async (e) => { e.stopPropagation(); await run(() => api('DELETE', `/admin/vouchers/${r.id}`), 'Deactivated'); pages.vouchers(); } }, 'Deactivate') : badge('inactive') },
        { label: '', render: (r) => h('button', { class: 'secondary', onclick: (e) => { e.stopPropagation(); usages(r); } }, 'Uses') }],
      list, edit), h('div', { id: 'usages' }));
  },

  async banners() {
    const list = await api('GET', '/admin/banners');
    const upload = h('form', { class: 'row card', onsubmit: async (e) => { e.preventDefault(); await run(() => api('POST', '/admin/banners', undefined, { form: new FormData(e.target) }), 'Banner added'); pages.banners(); } },
      h('label', {}, 'Title', h('input', { name: 'title', required: true })), h('label', {}, 'Link', h('input', { name: 'link' })),
      h('label', {}, 'Image', h('input', { name: 'image', type: 'file', accept: 'image/*', required: true })),
      h('label', {}, 'Order', h('input', { name: 'sort_order', type: 'number', value: 0 })), h('button', {}, 'Upload'));
    const moveBy = async (i, d) => {
      const order = list.map((b, j) => ({ id: b.id, sort_order: j }));
      const k = i + d; if (k < 0 || k >= order.length) return;
      [order[i].sort_order, order[k].sort_order] = [order[k].sort_order, order[i].sort_order];
      await run(() => api('POST', '/admin/banners/reorder', { orders: order }), 'Order saved'); pages.banners();
    };
    render(h('h1', {}, 'Banners'), upload,
      table([{ label: 'Image', render: (r) => h('img', { src: r.image, alt: '', height: 40 }) }, { label: 'Title', key: 'title' }, { label: 'Link', key: 'link' },
        { label: 'Window', render: (r) => `${r.start_date ? jakarta(r.start_date) : '—'} → ${r.end_date ? jakarta(r.end_date) : '—'}` },
        { label: 'Active', render: (r) => h('button', { class: 'secondary', onclick: async () => { await run(() => api('PATCH', `/admin/banners/${r.id}`, { is_active: !r.is_active })); pages.banners(); } }, r.is_active ? 'Hide' : 'Show') },
        { label: 'Order', render: (r) => { const i = list.indexOf(r); return h('div', { class: 'actions' }, h('button', { class: 'secondary', onclick: () => moveBy(i, -1) }, '↑'), h('button', { class: 'secondary', onclick: () => moveBy(i, 1) }, '↓')); } },
        { label: '', render: (r) => h('button', { class: 'danger', onclick: async () => { await run(() => api('DELETE', `/admin/banners/${r.id}`), 'Deleted'); pages.banners(); } }, 'Delete') }], list));
  },

  async settings() {
    const list = await api('GET', '/admin/settings');
    const edit = async (s) => {
      const v = await dialog(s.key, [s.type === 'boolean' ? { name: 'value', label: s.description || s.key, type: 'select', options: ['true', 'false'], value: s.value }
        : { name: 'value', label: s.description || s.key, type: s.type === 'json' ? 'textarea' : 'text', value: s.value ?? '' }, { name: 'is_public', label: 'Public (in /app-config)', type: 'checkbox', value: s.is_public }]);
      if (v) { await run(() => api('PUT', `/admin/settings/${encodeURIComponent(s.key)}`, v), 'Saved'); pages.settings(); }
    };
    const maint = list.find((s) => s.key === 'maintenance.active');
    render(h('h1', {}, 'Settings'),
      maint ? h('div', { class: 'actions' }, h('button', { id: 'maintenance-toggle', class: maint.value === 'true' ? 'danger' : 'secondary', onclick: async () => {
        await run(() => api('PUT', '/admin/settings/maintenance.active', { value: maint.value === 'true' ? 'false' : 'true' }), 'Maintenance switched'); pages.settings();
      } }, maint.value === 'true' ? 'Maintenance is ON — turn off' : 'Turn maintenance on')) : null,
      table([{ label: 'Key', key: 'key' }, { label: 'Value', render: (r) => String(r.value ?? '') }, { label: 'Type', key: 'type' }, { label: 'Group', key: 'group' }, { label: 'Public', render: (r) => r.is_public ? 'yes' : 'no' }], list, edit));
  },

  async reports(params) {
    const from = params.get('from') || '', to = params.get('to') || '', by = params.get('group_by') || 'day';
    const q = new URLSearchParams(); if (from) q.set('from', from); if (to) q.set('to', to);
    const [sales, products, users, methods, wallet] = await Promise.all([api('GET', `/admin/reports/sales?${q}&group_by=${by}`), api('GET', `/admin/reports/products?${q}`),
      api('GET', `/admin/reports/users?${q}`), api('GET', `/admin/reports/payment-methods?${q}`), api('GET', `/admin/reports/wallet?${q}`)]);
    const money = [{ label: 'Orders', key: 'count', num: true }, { label: 'Revenue', num: true, render: (r) => rupiah(r.revenue) }, { label: 'Profit', num: true, render: (r) => rupiah(r.profit) }];
    const csv = async () => {
      const res = await run(() => api('GET', `/admin/reports/export/transactions?${q}`, undefined, { raw: true }));
      const url = URL.createObjectURL(new Blob([await res.text()], { type: 'text/csv' }));
      const a = h('a', { href: url, download: 'transactions.csv' }); document.body.append(a); a.click(); a.remove();
    };
    render(h('h1', {}, 'Reports'),
      h('form', { class: 'row', onsubmit: (e) => { e.preventDefault(); const p = new URLSearchParams(); for (const [k, v] of new FormData(e.target)) if (v) p.set(k, v); go('#/reports?' + p); } },
        h('label', {}, 'From', h('input', { type: 'date', name: 'from', value: from })), h('label', {}, 'To', h('input', { type: 'date', name: 'to', value: to })),
        h('label', {}, 'Per', h('select', { name: 'group_by' }, ['day', 'week', 'month'].map((v) => h('option', { value: v, selected: by === v }, v)))),
        h('button', {}, 'Show'), h('button', { type: 'button', class: 'secondary', onclick: csv }, 'Export CSV')),
      h('div', { class: 'grid' }, stat('Revenue', rupiah(sales.totals.revenue)), stat('Profit', rupiah(sales.totals.profit)), stat('Orders', String(sales.totals.orders)), stat('Success rate', sales.totals.success_rate + ' %')),
      barChart(by === 'day' && !from && !to ? fillDays(sales.rows, 30) : sales.rows, 'revenue', 'revenue'),
      h('h2', {}, 'Sales'), table([{ label: 'Period', key: 'key' }, ...money], sales.rows),
      h('div', { class: 'two' }, h('div', {}, h('h2', {}, 'Products'), table([{ label: 'Product', key: 'key' }, ...money], products.rows)),
        h('div', {}, h('h2', {}, 'Customers'), table([{ label: 'Customer', key: 'key' }, ...money], users.rows))),
      h('div', { class: 'two' }, h('div', {}, h('h2', {}, 'Payment methods'), table([{ label: 'Method', key: 'key' }, ...money], methods.rows)),
        h('div', {}, h('h2', {}, 'Wallet'), table([{ label: 'Kind', key: 'kind' }, { label: 'Credits', num: true, render: (r) => rupiah(r.credits) }, { label: 'Debits', num: true, render: (r) => rupiah(r.debits) }, { label: 'Count', key: 'count', num: true }], wallet))));
  },

  async jobs(params) {
    const list = await api('GET', `/admin/jobs${params.get('status') ? '?status=' + params.get('status') : ''}`);
    render(h('h1', {}, 'Jobs'), h('div', { class: 'actions' }, h('a', { href: '#/jobs' }, 'all'), list.counts.map((c) => h('a', { href: `#/jobs?status=${c.status}` }, `${c.status} (${c.count})`))),
      table([{ label: 'Order', key: 'transaction_code' }, { label: 'Status', render: (r) => badge(r.status) }, { label: 'Attempts', num: true, render: (r) => `${r.attempts}/${r.max_attempts}` },
        { label: 'Run at', render: (r) => jakarta(new Date(r.run_at * 1000).toISOString()) }, { label: 'Last result', render: (r) => r.last_result ? h('code', {}, r.last_result.slice(0, 120)) : '' },
        { label: '', render: (r) => ['Failed', 'Killed'].includes(r.status) ? h('button', { onclick: async () => { await run(() => api('POST', `/admin/jobs/${r.id}/retry`), 'Queued again'); pages.jobs(params); } }, 'Retry') : null }], list.data));
  },

  async activity(params) {
    const q = new URLSearchParams({ page: params.get('page') || 1, per_page: 50 }); if (params.get('action')) q.set('action', params.get('action'));
    const list = await api('GET', `/admin/activity-logs?${q}`);
    render(h('h1', {}, 'Activity log'),
      table([{ label: 'When', render: (r) => jakarta(r.created_at) }, { label: 'Who', render: (r) => r.user_email || 'system' }, { label: 'Action', render: (r) => h('a', { href: `#/activity?action=${encodeURIComponent(r.action)}` }, r.action) },
        { label: 'What', key: 'description' }, { label: 'IP', key: 'ip_address' }], list.data),
      pager(list.meta, (p) => { params.set('page', p); go('#/activity?' + params); }));
  },

  async system() {
    const s = await api('GET', '/admin/system');
    render(h('h1', {}, 'System'), h('p', {}, `lapak ${s.version}`, s.digiflazz_demo || s.tripay_demo ? h('span', { class: 'badge warn' }, ' demo mode') : null),
      h('h2', {}, 'Payment channels'), table([{ label: 'Code', key: 'code' }, { label: 'Name', key: 'name' }, { label: 'Group', key: 'group' }, { label: 'Min', num: true, render: (r) => rupiah(r.min_amount) }, { label: 'Max', num: true, render: (r) => rupiah(r.max_amount) }], s.payment_channels),
      h('h2', {}, 'Effective configuration (secrets masked)'), h('pre', { id: 'config' }, JSON.stringify(s.config, null, 2)));
  },
};

// ---- router and session --------------------------------------------------------------

function go(hash) { if (location.hash === hash) route(); else location.hash = hash; }

async function route() {
  if (!token) return showLogin();
  const [path, query] = (location.hash.slice(1) || '/dashboard').split('?');
  const [, name, arg] = path.split('/');
  const page = pages[name] || pages.dashboard;
  for (const a of document.querySelectorAll('.side a')) a.classList.toggle('active', a.getAttribute('href') === '#/' + (name === 'order' ? 'orders' : name === 'product' ? 'products' : name === 'user' ? 'users' : name));
  render(h('p', { class: 'muted' }, 'Loading…'));
  try { await page(new URLSearchParams(query || ''), arg ? decodeURIComponent(arg) : undefined); }
  catch (e) { if (token) render(h('h1', {}, 'Something went wrong'), h('p', { class: 'error' }, e.message)); }
}

function showLogin() {
  document.getElementById('shell').hidden = true;
  document.getElementById('login').hidden = false;
}

function logout() {
  if (token) api('POST', '/auth/logout').catch(() => {});
  token = null;
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
    token = r.token;
    document.getElementById('login').hidden = true;
    document.getElementById('shell').hidden = false;
    api('GET', '/admin/system').then((s) => { document.getElementById('demo-badge').hidden = !(s.digiflazz_demo || s.tripay_demo); }).catch(() => {});
    route();
  } catch (ex) { err.textContent = ex.message; }
});

document.getElementById('logout').addEventListener('click', logout);
window.addEventListener('hashchange', route);
showLogin();
