// The activity (audit) log.

import { api } from '../lib/api.js';
import { h, view } from '../lib/dom.js';
import { jakarta } from '../lib/format.js';
import { go } from '../lib/nav.js';
import { pager, table } from '../lib/table.js';

export default async function activity(params) {
  const render = view(); // renders only while this page is still the one shown
  const q = new URLSearchParams({ page: params.get('page') || 1, per_page: 50 }); if (params.get('action')) q.set('action', params.get('action'));
  const list = await api('GET', `/admin/activity-logs?${q}`);
  render(h('h1', {}, 'Activity log'),
    table([{ label: 'When', render: (r) => jakarta(r.created_at) }, { label: 'Who', render: (r) => r.user_email || 'system' }, { label: 'Action', render: (r) => h('a', { href: `#/activity?action=${encodeURIComponent(r.action)}` }, r.action) },
      { label: 'What', key: 'description' }, { label: 'IP', key: 'ip_address' }], list.data),
    pager(list.meta, (p) => { params.set('page', p); go('#/activity?' + params); }));
}
