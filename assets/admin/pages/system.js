// Version, demo mode, payment channels, the effective configuration.

import { api } from '../lib/api.js';
import { h, render } from '../lib/dom.js';
import { rupiah } from '../lib/format.js';
import { table } from '../lib/table.js';

export default async function system() {
  const s = await api('GET', '/admin/system');
  render(h('h1', {}, 'System'), h('p', {}, `lapak ${s.version}`, s.digiflazz_demo || s.tripay_demo ? h('span', { class: 'badge warn' }, ' demo mode') : null),
    h('h2', {}, 'Payment channels'), table([{ label: 'Code', key: 'code' }, { label: 'Name', key: 'name' }, { label: 'Group', key: 'group' }, { label: 'Min', num: true, render: (r) => rupiah(r.min_amount) }, { label: 'Max', num: true, render: (r) => rupiah(r.max_amount) }], s.payment_channels),
    h('h2', {}, 'Effective configuration (secrets masked)'), h('pre', { id: 'config' }, JSON.stringify(s.config, null, 2)));
}
