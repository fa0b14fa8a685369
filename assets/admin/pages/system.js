// Version, demo mode, the replica, payment channels, the effective configuration.

import { api } from '../lib/api.js';
import { h, view } from '../lib/dom.js';
import { rupiah } from '../lib/format.js';
import { badge, table } from '../lib/table.js';

const HEALTH = { in_sync: 'in sync', behind: 'behind', empty: 'nothing replicated yet', not_configured: 'not replicated', unknown: 'unknown' };

function lag(f) {
  if (f.lag_secs === undefined) return '';
  if (f.lag_secs === 0) return 'none';
  return `${f.lag_secs} s`;
}

function replication(r) {
  return [
    h('h2', {}, 'Replication'),
    r.configured
      ? h('p', { id: 'replication-config' }, `Litestream, configured in ${r.litestream_config}. A warning shows past ${r.warn_after_secs} s of lag.`)
      : h('p', { id: 'replication-config' }, 'No replica is configured: a lost disk loses everything since the last backup. See the README, "Durability".'),
    r.warning ? h('div', { class: 'alert', id: 'replication-warning' }, r.warning) : null,
    table([
      { label: 'File', key: 'path' },
      { label: 'Replica', render: (f) => f.replica || '—' },
      { label: 'State', render: (f) => badge(HEALTH[f.health] || f.health) },
      { label: 'Last replicated', render: (f) => f.last_replicated_at || '—' },
      { label: 'Lag', render: lag },
      { label: 'Problem', render: (f) => f.error || '' },
    ], r.files),
    h('p', { class: 'muted' }, `Checked ${r.checked_at}.`),
  ];
}

export default async function system() {
  const render = view(); // renders only while this page is still the one shown
  const [s, r] = await Promise.all([api('GET', '/admin/system'), api('GET', '/admin/system/replication')]);
  render(h('h1', {}, 'System'), h('p', {}, `lapak ${s.version}`, s.digiflazz_demo || s.tripay_demo ? h('span', { class: 'badge warn' }, ' demo mode') : null),
    ...replication(r),
    h('h2', {}, 'Payment channels'), table([{ label: 'Code', key: 'code' }, { label: 'Name', key: 'name' }, { label: 'Group', key: 'group' }, { label: 'Min', num: true, render: (r) => rupiah(r.min_amount) }, { label: 'Max', num: true, render: (r) => rupiah(r.max_amount) }], s.payment_channels),
    h('h2', {}, 'Effective configuration (secrets masked)'), h('pre', { id: 'config', class: 'wrap' }, JSON.stringify(s.config, null, 2)));
}
