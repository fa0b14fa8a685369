// Money and time as the console shows them: rupiah, and Asia/Jakarta (WIB) dates.

export const rupiah = (n) => 'Rp ' + Math.round(Number(n || 0)).toLocaleString('id-ID');
export const jakarta = (iso) => iso ? new Date(iso).toLocaleString('id-ID', { timeZone: 'Asia/Jakarta', dateStyle: 'medium', timeStyle: 'short' }) + ' WIB' : '';
/** A Jakarta calendar day `YYYY-MM-DD` as `24 Nov`. */
export const day = (key) => { const d = new Date(key + 'T00:00:00+07:00'); return isNaN(d) ? String(key) : d.toLocaleDateString('en-GB', { timeZone: 'Asia/Jakarta', day: 'numeric', month: 'short' }); };
/** Short rupiah for axes: Rp 1,2 jt, Rp 350 rb. */
export const shortRupiah = (n) => n >= 1e9 ? `Rp ${(n / 1e9).toLocaleString('id-ID', { maximumFractionDigits: 1 })} M` : n >= 1e6 ? `Rp ${(n / 1e6).toLocaleString('id-ID', { maximumFractionDigits: 1 })} jt` : n >= 1e3 ? `Rp ${(n / 1e3).toLocaleString('id-ID', { maximumFractionDigits: 1 })} rb` : `Rp ${n}`;
/** Today in Jakarta, `YYYY-MM-DD`. */
export const today = () => new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);
/** A stored time as a `datetime-local` value in WIB (`2026-11-24T21:05`). */
export const toLocalInput = (iso) => iso ? new Date(new Date(iso).getTime() + 7 * 3600 * 1000).toISOString().slice(0, 16) : '';
/** A `datetime-local` value typed in WIB as an RFC 3339 time, or null when empty. */
export const fromLocalInput = (v) => v ? `${v}:00+07:00` : null;
