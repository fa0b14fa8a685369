// Figures several parts of the console show, fetched once and shared: the settings
// (until a page says they changed) and the Digiflazz deposit (a minute: each read is a
// call to Digiflazz).

import { api } from './api.js';

let settings = null;
let deposit = null;

window.addEventListener('lapak:settings-changed', () => { settings = null; });

/** Every setting, as `GET /admin/settings` lists them ([] when it cannot be read). */
export function shopSettings() {
  if (!settings) settings = api('GET', '/admin/settings').catch(() => { settings = null; return []; });
  return settings;
}

/** The deposit left at Digiflazz in rupiah, or null when it cannot be read. */
export function supplierDeposit() {
  if (!deposit || Date.now() - deposit.at > 60_000) {
    deposit = { at: Date.now(), value: api('GET', '/admin/supplier/balance').then((b) => b.deposit).catch(() => { deposit = null; return null; }) };
  }
  return deposit.value;
}

/** The deposit below which the console warns (setting `admin.low_deposit`). */
export const lowDeposit = (list) => Number(list.find((s) => s.key === 'admin.low_deposit')?.value || 500000);
