// Settings, and the maintenance switch.

import { api } from '../lib/api.js';
import { dialog } from '../lib/dialog.js';
import { h, render, run } from '../lib/dom.js';
import { table } from '../lib/table.js';

export default async function settings() {
  const list = await api('GET', '/admin/settings');
  const edit = async (s) => {
    const v = await dialog(s.key, [s.type === 'boolean' ? { name: 'value', label: s.description || s.key, type: 'select', options: ['true', 'false'], value: s.value }
      : { name: 'value', label: s.description || s.key, type: s.type === 'json' ? 'textarea' : 'text', value: s.value ?? '' }, { name: 'is_public', label: 'Public (in /app-config)', type: 'checkbox', value: s.is_public }]);
    if (v) { await run(() => api('PUT', `/admin/settings/${encodeURIComponent(s.key)}`, v), 'Saved'); settings(); }
  };
  const maint = list.find((s) => s.key === 'maintenance.active');
  render(h('h1', {}, 'Settings'),
    maint ? h('div', { class: 'actions' }, h('button', { id: 'maintenance-toggle', class: maint.value === 'true' ? 'danger' : 'secondary', onclick: async () => {
      await run(() => api('PUT', '/admin/settings/maintenance.active', { value: maint.value === 'true' ? 'false' : 'true' }), 'Maintenance switched'); settings();
    } }, maint.value === 'true' ? 'Maintenance is ON — turn off' : 'Turn maintenance on')) : null,
    table([{ label: 'Key', key: 'key' }, { label: 'Value', render: (r) => String(r.value ?? '') }, { label: 'Type', key: 'type' }, { label: 'Group', key: 'group' }, { label: 'Public', render: (r) => r.is_public ? 'yes' : 'no' }], list, edit));
}
