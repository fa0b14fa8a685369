// H2H API keys: every reseller's keys with their volume, errors and last callback;
// suspend a key (it stops at once) or let it work again.

import { api } from '../lib/api.js';
import { confirm } from '../lib/dialog.js';
import { h, run, view } from '../lib/dom.js';
import { jakarta, rupiah } from '../lib/format.js';
import { badge, table } from '../lib/table.js';

export default async function apikeys() {
  const render = view(); // renders only while this page is still the one shown
  const keys = await api('GET', '/admin/api-keys');
  const act = async (k, to) => {
    const sure = to === 'suspend'
      ? await confirm(`Suspend ${k.key_id}?`, `Every request signed with ${k.key_id} (${k.name}, user #${k.user_id}) is refused from now on, and its callbacks stop. You can unsuspend it.`, { confirmLabel: 'Suspend' })
      : await confirm(`Unsuspend ${k.key_id}?`, `${k.name} can place orders with this key again.`, { confirmLabel: 'Unsuspend', danger: false });
    if (sure && await run(() => api('POST', `/admin/api-keys/${k.key_id}/${to}`), to === 'suspend' ? 'Key suspended' : 'Key active again')) render.live() && apikeys();
  };
  const s = (k) => k.stats || {};
  render(h('h1', {}, 'API keys'),
    h('p', { class: 'muted' }, 'Resellers\' shops and counter software (H2H). Orders, delivered volume, callback errors and the last callback per key.'),
    table([{ label: 'Key', key: 'key_id' }, { label: 'Name', key: 'name' },
      { label: 'User', render: (r) => h('a', { href: `#/user/${r.user_id}` }, String(r.user_id)) },
      { label: 'Status', render: (r) => badge(r.status) },
      { label: 'Orders', num: true, render: (r) => `${s(r).orders ?? 0} (${s(r).orders_success ?? 0} ok, ${s(r).orders_failed ?? 0} failed)` },
      { label: 'Volume', num: true, render: (r) => rupiah(s(r).volume ?? 0) },
      { label: 'Callbacks', render: (r) => h('span', { class: s(r).callbacks_failed ? 'error' : 'muted' }, `${s(r).callbacks_pending ?? 0} waiting, ${s(r).callbacks_failed ?? 0} given up`) },
      { label: 'Last callback', render: (r) => s(r).last_callback_at ? `${jakarta(s(r).last_callback_at)} · ${s(r).last_callback_status} ${s(r).last_callback_code ?? ''}` : '—' },
      { label: 'Last use', render: (r) => r.last_used_at ? `${jakarta(r.last_used_at)} from ${r.last_ip}` : '—' },
      { label: '', render: (r) => h('div', { class: 'actions' },
        r.status === 'active' ? h('button', { class: 'danger', onclick: () => act(r, 'suspend') }, 'Suspend') : null,
        r.status === 'suspended' ? h('button', { onclick: () => act(r, 'unsuspend') }, 'Unsuspend') : null) }], keys));
}
