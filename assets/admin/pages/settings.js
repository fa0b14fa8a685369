// Settings by group, each with what it does; the maintenance switch (asks first, both ways).

import { api } from '../lib/api.js';
import { confirm, dialog } from '../lib/dialog.js';
import { h, run, view } from '../lib/dom.js';
import { jakarta, rupiah } from '../lib/format.js';
import { table } from '../lib/table.js';

const GROUPS = { general: 'Shop', features: 'Features', maintenance: 'Maintenance', links: 'Links', admin: 'Console' };
const changed = () => window.dispatchEvent(new Event('lapak:settings-changed'));

function shown(s) {
  if (s.type === 'boolean') return s.value === 'true' ? 'on' : 'off';
  if (s.key === 'admin.low_deposit') return rupiah(s.value);
  return s.value === '' || s.value == null ? '—' : String(s.value);
}

export default async function settings() {
  const render = view(); // renders only while this page is still the one shown
  const list = await api('GET', '/admin/settings');
  const edit = async (s) => {
    const field = s.type === 'boolean' ? { name: 'value', label: 'Value', type: 'select', options: [{ value: 'true', label: 'on' }, { value: 'false', label: 'off' }], value: s.value }
      : s.type === 'number' ? { name: 'value', label: 'Value', type: 'number', value: s.value ?? '' }
        : { name: 'value', label: 'Value', type: s.type === 'json' ? 'textarea' : 'text', value: s.value ?? '' };
    const ok = await run(() => dialog(s.description || s.key, [field, { name: 'is_public', label: 'Public (front ends read it from /app-config)', type: 'checkbox', value: s.is_public }],
      { intro: `Setting ${s.key}.`, submit: (v) => api('PUT', `/admin/settings/${encodeURIComponent(s.key)}`, { ...v, value: String(v.value ?? '') }) }), 'Saved');
    if (ok) { changed(); render.live() && settings(); }
  };
  const maint = list.find((s) => s.key === 'maintenance.active');
  const on = maint?.value === 'true';
  const toggle = async () => {
    const msg = list.find((s) => s.key === 'maintenance.message')?.value || '';
    const sure = await confirm(on ? 'Turn maintenance off?' : 'Turn maintenance on?', on ? 'The shop takes orders again.' : `The shop refuses new orders and shows: "${msg}". Orders already paid are still delivered.`, { confirmLabel: on ? 'Turn off' : 'Turn on', danger: !on });
    if (sure && await run(() => api('PUT', '/admin/settings/maintenance.active', { value: on ? 'false' : 'true' }), on ? 'Maintenance off' : 'Maintenance on')) { changed(); render.live() && settings(); }
  };
  const groups = [...new Set(list.map((s) => s.group || 'other'))];
  render(h('h1', {}, 'Settings'),
    maint ? h('div', { class: 'card actions' }, h('strong', {}, on ? 'Maintenance is ON: the shop refuses new orders.' : 'The shop is open.'), ' ',
      h('button', { id: 'maintenance-toggle', class: on ? 'secondary' : 'danger', onclick: toggle }, on ? 'Turn maintenance off…' : 'Turn maintenance on…')) : null,
    groups.map((g) => [h('h2', {}, GROUPS[g] || g),
      table([{ label: 'Setting', render: (r) => [h('div', {}, r.description || r.key), h('small', { class: 'muted' }, r.key)], sortable: false }, { label: 'Value', render: shown, sortable: false },
        { label: 'Public', render: (r) => (r.is_public ? 'yes' : 'no') }, { label: 'Changed', render: (r) => jakarta(r.updated_at) }], list.filter((s) => (s.group || 'other') === g), edit)]));
}
