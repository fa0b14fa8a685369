// The fulfilment job queue.

import { api } from '../lib/api.js';
import { confirm } from '../lib/dialog.js';
import { h, run, view } from '../lib/dom.js';
import { jakarta } from '../lib/format.js';
import { badge, table } from '../lib/table.js';

export default async function jobs(params) {
  const render = view(); // renders only while this page is still the one shown
  const list = await api('GET', `/admin/jobs${params.get('status') ? '?status=' + params.get('status') : ''}`);
  render(h('h1', {}, 'Jobs'), h('div', { class: 'actions' }, h('a', { href: '#/jobs' }, 'all'), list.counts.map((c) => h('a', { href: `#/jobs?status=${c.status}` }, `${c.status} (${c.count})`))),
    table([{ label: 'Order', key: 'transaction_code' }, { label: 'Status', render: (r) => badge(r.status) }, { label: 'Attempts', num: true, render: (r) => `${r.attempts}/${r.max_attempts}` },
      { label: 'Run at', render: (r) => jakarta(new Date(r.run_at * 1000).toISOString()), sortValue: (r) => r.run_at }, { label: 'Last result', render: (r) => r.last_result ? h('code', {}, r.last_result.slice(0, 120)) : '' },
      { label: '', render: (r) => ['Failed', 'Killed'].includes(r.status) ? h('button', { onclick: async () => { if (await confirm(`Run the job for ${r.transaction_code} again?`, `The order is sent to Digiflazz again under its same ref_id; a duplicate gets the first outcome.`, { confirmLabel: 'Retry', danger: false }) && await run(() => api('POST', `/admin/jobs/${r.id}/retry`), 'Queued again')) render.live() && jobs(params); } }, 'Retry…') : null }], list.data));
}
