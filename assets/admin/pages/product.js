// One product: details, the fields a buyer fills in (edited one by one, not as JSON),
// and its items with prices.

import { api } from '../lib/api.js';
import { confirm, dialog } from '../lib/dialog.js';
import { h, run, view } from '../lib/dom.js';
import { rupiah } from '../lib/format.js';
import { badge, table } from '../lib/table.js';

const KINDS = [{ value: 'text', label: 'Text' }, { value: 'tel', label: 'Phone number' }, { value: 'number', label: 'Number' }, { value: 'email', label: 'E-mail' }, { value: 'select', label: 'Choice from a list' }];

export default async function product(params, id) {
  const render = view(); // renders only while this page is still the one shown
  const p = await api('GET', `/admin/products/${id}`);
  const reload = () => render.live() && product(params, id);
  const save = (body, msg) => run(() => api('PATCH', `/admin/products/${id}`, body), msg).then((ok) => { if (ok) reload(); });
  const edit = async () => {
    if (await run(() => dialog(`Edit ${p.name}`, [
      { name: 'name', label: 'Name', value: p.name, required: true }, { name: 'description', label: 'Description', type: 'textarea', value: p.description || '' },
      { name: 'customer_no_format', label: 'Customer number sent to Digiflazz', value: p.customer_no_format, hint: 'Field names in braces, e.g. {user_id}{zone_id}' },
      { name: 'is_featured', label: 'Featured on the home page', type: 'checkbox', value: p.is_featured }, { name: 'sort_order', label: 'Position (smaller first)', type: 'number', value: p.sort_order }],
    { submit: (v) => api('PATCH', `/admin/products/${id}`, v) }), 'Product saved')) reload();
  };
  const toggle = async () => {
    if (p.is_active && !await confirm(`Deactivate ${p.name}?`, `${p.name} disappears from the shop; open orders are not touched. You can activate it again.`, { confirmLabel: 'Deactivate' })) return;
    save({ is_active: !p.is_active }, p.is_active ? 'Deactivated' : 'Activated');
  };
  const fieldForm = (f = {}) => [{ name: 'name', label: 'Key (sent as customer_data.<key>)', value: f.name || '', required: true, hint: 'lowercase letters, digits, underscore' },
    { name: 'label', label: 'Label the buyer sees', value: f.label || '', required: true }, { name: 'type', label: 'Kind', type: 'select', options: KINDS, value: f.type || 'text' },
    { name: 'required', label: 'Required', type: 'checkbox', value: f.required ?? true }, { name: 'placeholder', label: 'Example shown in the box', value: f.placeholder || '' },
    { name: 'pattern', label: 'Allowed form (regular expression, optional)', value: f.pattern || '' },
    { name: 'options', label: 'Choices, one per line (for "Choice from a list")', type: 'textarea', value: (f.options || []).join('\n') }];
  const asField = (v) => { const f = { name: v.name.trim(), label: v.label.trim(), type: v.type, required: v.required }; if (v.placeholder) f.placeholder = v.placeholder; if (v.pattern) f.pattern = v.pattern;
    const opts = v.options.split('\n').map((s) => s.trim()).filter(Boolean); if (opts.length) f.options = opts; return f; };
  const setFields = (title, i, f) => run(() => dialog(title, fieldForm(f), { submit: (v) => {
    const next = [...p.input_fields]; if (i === null) next.push(asField(v)); else next[i] = asField(v);
    return api('PATCH', `/admin/products/${id}`, { input_fields: next });
  } }), 'Fields saved').then((ok) => { if (ok) reload(); });
  const dropField = async (i) => {
    const f = p.input_fields[i];
    if (await confirm(`Remove the field "${f.label}"?`, `Buyers no longer fill in ${f.name}. Check the customer number format still makes sense.`, { confirmLabel: 'Remove' })) save({ input_fields: p.input_fields.filter((_, j) => j !== i) }, 'Field removed');
  };
  const editItem = async (it) => {
    const ok = await run(() => dialog(`${it.name} (${it.sku})`, [{ name: 'name', label: 'Name', value: it.name },
      { name: 'retail_price', label: 'Retail price (Rp)', type: 'number', value: it.retail_price, hint: `Supplier cost ${rupiah(it.base_price)}. A price set here is kept by syncs.` },
      { name: 'reseller_price', label: 'Reseller price (Rp)', type: 'number', value: it.reseller_price }, { name: 'is_active', label: 'Active', type: 'checkbox', value: it.is_active }],
    { submit: (v) => {
      const body = { name: v.name, is_active: v.is_active };
      if (v.retail_price !== it.retail_price) body.retail_price = v.retail_price;
      if (v.reseller_price !== it.reseller_price) body.reseller_price = v.reseller_price;
      return api('PATCH', `/admin/items/${it.id}`, body);
    } }), 'Item saved');
    if (ok) reload();
  };
  render(h('p', {}, h('a', { href: '#/products' }, '← products')), h('h1', {}, p.name, ' ', badge(p.is_active ? 'active' : 'inactive')),
    h('div', { class: 'actions' }, h('button', { onclick: edit }, 'Edit'), h('button', { class: 'secondary', onclick: toggle }, p.is_active ? 'Deactivate…' : 'Activate')),
    h('p', { class: 'muted' }, `${p.category.name} · ${p.brand} · ${p.type} · customer no. = ${p.customer_no_format}`),
    h('h2', {}, 'What the buyer fills in'),
    table([{ label: 'Label', key: 'label' }, { label: 'Key', key: 'name' }, { label: 'Kind', render: (f) => KINDS.find((k) => k.value === f.type)?.label || f.type },
      { label: 'Required', render: (f) => (f.required ? 'yes' : 'no') }, { label: 'Choices', render: (f) => (f.options || []).join(', ') },
      { label: '', render: (f) => h('button', { class: 'secondary', onclick: () => dropField(p.input_fields.indexOf(f)) }, 'Remove…') }],
    p.input_fields, (f) => setFields(`Field "${f.label}"`, p.input_fields.indexOf(f), f), { empty: 'No fields: the buyer types nothing.' }),
    h('div', { class: 'actions' }, h('button', { class: 'secondary', onclick: () => setFields('New field', null) }, 'Add field')),
    h('h2', {}, 'Items'),
    table([{ label: 'SKU', key: 'sku' }, { label: 'Item', key: 'name' }, { label: 'Cost', num: true, render: (r) => rupiah(r.base_price), sortValue: (r) => r.base_price },
      { label: 'Retail', num: true, render: (r) => [rupiah(r.retail_price), r.retail_price_override != null ? ' *' : ''], sortValue: (r) => r.retail_price },
      { label: 'Reseller', num: true, render: (r) => [rupiah(r.reseller_price), r.reseller_price_override != null ? ' *' : ''], sortValue: (r) => r.reseller_price },
      { label: 'Orderable', render: (r) => r.is_orderable ? badge('active') : badge(r.unavailable_reason) }, { label: 'Sold', key: 'total_sold', num: true }],
    p.items, editItem), h('p', { class: 'muted' }, '* a price set by hand (kept by syncs).'));
}
