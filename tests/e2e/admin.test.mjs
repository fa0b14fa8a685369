// Browser tests of the admin console: the real lapak binary in demo mode (built-in
// Digiflazz and Tripay simulators) on a free port, driven by Playwright in Debian's
// Chromium. Screenshots of every page, at 1440 px and at 390 px, go to
// tests/e2e/artifacts/ (kept by CI as artifacts).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = process.env.E2E_LAPAK_BIN || path.join(here, '..', '..', 'target', 'debug', 'lapak');
const artifacts = path.join(here, 'artifacts');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

let dir, base, server, browser, context, page, adminToken;

const freePort = () => new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rupiah = (n) => 'Rp ' + Math.round(n).toLocaleString('id-ID');

async function api(method, p, body, token) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(base + '/api/v1' + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function waitFor(check, what, ms = 30000) {
  const end = Date.now() + ms;
  while (Date.now() < end) { const v = await check(); if (v) return v; await sleep(200); }
  throw new Error(`timed out waiting for ${what}`);
}

async function order(itemId, phone, email) {
  const r = await api('POST', '/transactions', { product_item_id: itemId, customer_data: { phone }, payment_method: 'QRIS', customer_name: 'E2E', customer_email: email });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const pay = await fetch(`${base}/demo/tripay/checkout/${r.body.payment.reference}/pay`, { method: 'POST', redirect: 'manual' });
  assert.equal(pay.status, 303);
  return r.body.transaction_code;
}

const statusOf = async (code) => (await api('GET', `/admin/transactions/${code}`, undefined, adminToken)).body.status;

async function shot(name) {
  await page.evaluate(() => document.getElementById('toasts')?.replaceChildren());
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}

before(async () => {
  fs.mkdirSync(artifacts, { recursive: true });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lapak-e2e-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const env = { ...process.env, LAPAK_SERVER__HOST: '127.0.0.1', LAPAK_SERVER__PORT: String(port), LAPAK_SERVER__PUBLIC_URL: base,
    LAPAK_LOG__LEVEL: 'warn', LAPAK_ORDERS__DUPLICATE_WINDOW_HOURS: '0', LAPAK_SIMULATOR__PENDING_DELAY_SECS: '8', LAPAK_DIGIFLAZZ__TIMEOUT_SECS: '2', LAPAK_ORDERS__RECHECK_MIN_SECS: '1',
    // Another front end is allowed by CORS; the console's own (same-origin) calls must still pass.
    LAPAK_SERVER__CORS_ORIGINS: '["http://localhost:3000"]' };
  delete env.RUST_LOG;
  const made = spawnSync(bin, ['create-admin', '--email', 'admin@example.com', '--password-stdin'], { cwd: dir, env, input: 'e2e-admin-pass\n' });
  assert.equal(made.status, 0, String(made.stderr));
  server = spawn(bin, ['serve'], { cwd: dir, env, stdio: ['ignore', 'ignore', 'inherit'] });
  await waitFor(async () => { try { return (await fetch(base + '/healthz')).ok; } catch { return false; } }, 'lapak to start');
  await waitFor(async () => (await api('GET', '/products')).body.meta.total > 0, 'the demo catalog');
  adminToken = (await api('POST', '/auth/login', { identifier: 'admin@example.com', password: 'e2e-admin-pass' })).body.token;

  // Seed: two successful orders, a failed guest order, one stuck at the supplier.
  const xl = (await api('GET', '/products/slug/xl-pulsa')).body.items.find((i) => i.sku === 'xld10').id;
  const ok1 = await order(xl, '087800001230', 'ok1@example.com');
  const ok2 = await order(xl, '087800001230', 'ok2@example.com');
  const failed = await order(xl, '087800001232', 'guest@example.com');
  const slow = await order(xl, '087812349999', 'slow@example.com');
  await waitFor(async () => (await statusOf(ok1)) === 'success' && (await statusOf(ok2)) === 'success' && (await statusOf(failed)) === 'failed', 'seeded orders');
  process.env.E2E_FAILED = failed;
  process.env.E2E_SLOW = slow;

  browser = await chromium.launch({ executablePath: chromiumPath, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
});

// Uncaught errors in the console's page (a failed action must not leave one).
const pageErrors = [];

/** Removes the toasts earlier actions left, so a test can see that nothing new was reported. */
const clearToasts = () => page.evaluate(() => document.getElementById('toasts').replaceChildren());

/** Waits until the page has rendered (no "Loading…"). */
async function settled() {
  await page.waitForFunction(() => !document.querySelector('#main')?.textContent.includes('Loading…'));
}

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function login() {
  await page.goto(base + '/admin#/dashboard');
  await page.waitForSelector('#login-form');
  await page.fill('input[name=identifier]', 'admin@example.com');
  await page.fill('input[name=password]', 'e2e-admin-pass');
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('text=Revenue today');
}

test('log in and read the dashboard figures of the seeded orders', async () => {
  await page.goto(base + '/admin');
  await page.waitForSelector('#login-form');
  await shot('login');
  await login();
  const today = (await api('GET', '/admin/dashboard?period=today', undefined, adminToken)).body;
  assert.equal(today.figures.orders, 2);
  assert.equal(today.figures.revenue, 24000);
  const card = page.locator('.stat', { hasText: 'Revenue today' });
  assert.equal((await card.locator('.value').textContent()).trim(), rupiah(24000));
  assert.match(await card.textContent(), /2 orders/);
  assert.equal((await page.locator('#refund-required').textContent()).trim(), '1');
  // Demo mode has no replica: the dashboard says so and links to the system page.
  assert.match(await page.locator('#replication-alert').textContent(), /No replica/);
  // The chart has a value axis and readable day labels, not bare bars.
  const axis = await page.locator('svg.chart text.axis').allTextContents();
  assert.ok(axis.some((t) => t.startsWith('Rp ')), `value axis: ${axis}`);
  const days = await page.locator('svg.chart text.period').allTextContents();
  assert.ok(days.every((t) => /^\d{1,2} [A-Z][a-z]{2}$/.test(t)), `day labels: ${days}`);
  await shot('dashboard');
});

test('the session is a cookie: a reload keeps it, logout clears the form, a server-ended session says so', async () => {
  const cookies = await context.cookies();
  const c = cookies.find((x) => x.name === 'lapak_console');
  assert.ok(c, 'a console cookie');
  assert.equal(c.httpOnly, true);
  assert.equal(c.sameSite, 'Strict');
  assert.equal(c.path, '/api/v1/admin');
  assert.equal(await page.evaluate(() => document.cookie), '', 'no script can read the session');
  await page.reload();
  await page.waitForSelector('text=Revenue today');
  assert.equal(await page.locator('#login').isHidden(), true, 'no login after a reload');
  // A new tab of the same browser is logged in too.
  const tab = await context.newPage();
  await tab.goto(base + '/admin#/orders');
  await tab.waitForSelector('#order-filters');
  await tab.close();

  await page.click('#logout');
  await page.waitForSelector('#login-form');
  assert.equal(await page.inputValue('input[name=identifier]'), '');
  assert.equal(await page.inputValue('input[name=password]'), '');
  assert.match(await page.locator('#login-note').textContent(), /logged out/);
  await page.reload();
  await page.waitForSelector('#login-form');
  assert.equal(await page.locator('#shell').isHidden(), true, 'logged out stays logged out');

  await login();
  // The server ends the session (here: the cookie is gone); the next call says so.
  await context.clearCookies();
  await page.click('a[href="#/users"]');
  await page.waitForSelector('#login-form');
  assert.match(await page.locator('#login-note').textContent(), /session ended/i);
  await login();
});

test('a pricing rule change moves the public price', async () => {
  const before = (await api('GET', '/products/slug/xl-pulsa')).body.items.find((i) => i.sku === 'xld10').price;
  assert.equal(before, 12000);
  await page.goto(base + '/admin#/pricing');
  await page.locator('tr.click', { hasText: 'every product' }).filter({ hasText: 'retail' }).click();
  // Percent in percent, not hundredths.
  assert.ok(await page.locator('#dialog input[name=percent]').count() === 1);
  await page.fill('#dialog input[name=flat]', '3000');
  await page.click('#dialog button[value=ok]');
  await page.waitForSelector('text=items repriced');
  await shot('pricing');
  const after = (await api('GET', '/products/slug/xl-pulsa')).body.items.find((i) => i.sku === 'xld10').price;
  assert.equal(after, 13000);
});

test('open a stuck order and re-check it; mark a failed guest order refunded', async () => {
  const slow = process.env.E2E_SLOW;
  await waitFor(async () => (await api('GET', `/admin/transactions/${slow}`, undefined, adminToken)).body.supplier_calls.length > 0, 'the slow order to time out');
  await page.goto(base + `/admin#/order/${slow}`);
  await page.click('#act-recheck');
  await page.click('#dialog button[value=ok]');
  await waitFor(async () => ((await page.locator('#order-sn').textContent()) || '').trim() !== '—', 'the SN after the re-check');
  assert.equal(await statusOf(slow), 'success');
  await shot('order-detail');

  await page.goto(base + '/admin#/orders?refund=1');
  await page.locator('tr.click', { hasText: process.env.E2E_FAILED }).click();
  await page.waitForSelector('#order-actions');
  // A guest's failed order: its money cannot go to a balance, so that button is not there.
  assert.deepEqual(await page.locator('#order-actions button').allTextContents(), ['Mark refunded…']);
  // Cancel changes nothing and reports nothing.
  await clearToasts();
  await page.click('text=Mark refunded…');
  await page.fill('#dialog input[name=note]', 'not yet');
  await page.click('#dialog button[value=cancel]');
  await sleep(300);
  assert.equal(await page.locator('.toast').count(), 0, 'no "done" after Cancel');
  assert.equal(await statusOf(process.env.E2E_FAILED), 'failed');
  await page.click('text=Mark refunded…');
  await page.keyboard.press('Escape');
  await sleep(300);
  assert.equal(await page.locator('.toast').count(), 0, 'no "done" after Esc');
  assert.equal(await statusOf(process.env.E2E_FAILED), 'failed');
  await page.click('text=Mark refunded…');
  await page.fill('#dialog input[name=note]', 'BCA transfer 0001');
  await page.click('#dialog button[value=ok]');
  await waitFor(async () => (await statusOf(process.env.E2E_FAILED)) === 'refunded', 'the refund mark');
  await page.goto(base + '/admin#/orders');
  await page.waitForSelector('#order-filters');
  await shot('orders');
});

test('force-fail an order the supplier still has pending; its late delivery needs attention; resolve it', async () => {
  const xl = (await api('GET', '/products/slug/xl-pulsa')).body.items.find((i) => i.sku === 'xld10').id;
  // ...9903: the simulator answers Pending, then delivers by webhook 8 s later.
  const code = await order(xl, '087812349903', 'late@example.com');
  await waitFor(async () => (await api('GET', `/admin/transactions/${code}`, undefined, adminToken)).body.supplier_calls.length > 0, 'the pending answer');
  await page.goto(base + `/admin#/order/${code}`);
  await page.click('#act-fail');
  assert.match(await page.locator('#dialog .intro').textContent(), /Rp/, 'the dialog says what happens to the money');
  await page.fill('#dialog input[name=reason]', 'customer gave up waiting');
  await page.check('#dialog input[name=force]');
  await page.click('#dialog button[value=ok]');
  await waitFor(async () => (await statusOf(code)) === 'failed', 'the forced failure');
  // The supplier delivers anyway: lapak keeps the SN and tells the admin.
  await waitFor(async () => (await api('GET', `/admin/transactions/${code}`, undefined, adminToken)).body.attention === 'late_supplier_success', 'the late delivery', 20000);
  await page.goto(base + '/admin#/dashboard');
  await page.waitForSelector('#attention-alert');
  assert.equal((await page.locator('#attention-count').textContent()).trim(), '1');
  await page.click('#attention-count');
  // Rows are reachable by keyboard: focus the row, Enter opens it.
  await page.locator('tr.click', { hasText: code }).focus();
  await page.keyboard.press('Enter');
  await page.waitForSelector('#order-attention');
  assert.match(await page.locator('#order-attention').textContent(), /late supplier success/);
  await shot('order-attention');
  await page.click('text=Resolve…');
  await page.fill('#dialog input[name=note]', 'customer keeps the credit; refund cancelled');
  await page.click('#dialog button[value=ok]');
  await waitFor(async () => (await api('GET', `/admin/transactions/${code}`, undefined, adminToken)).body.attention === undefined, 'the resolution (absent, not null)');
  const sn = (await api('GET', `/admin/transactions/${code}`, undefined, adminToken)).body.sn;
  assert.ok(sn.length > 0, 'the SN is kept');
});

test('a refused voucher keeps the dialog and its input; deactivating asks first and can be undone', async () => {
  await page.goto(base + '/admin#/vouchers');
  await page.click('#new-voucher');
  await page.fill('#dialog input[name=code]', 'E2EHEMAT');
  await page.fill('#dialog input[name=name]', 'E2E hemat');
  await page.selectOption('#dialog select[name=type]', 'percentage');
  await page.fill('#dialog input[name=value]', '150');
  await page.fill('#dialog input[name=min_transaction]', '5000');
  await page.click('#dialog button[value=ok]');
  // lapak answers 422 on `value`: the dialog stays, the message sits by that field.
  const err = page.locator('#dialog .field-error[data-field=value]');
  await waitFor(async () => ((await err.textContent()) || '').length > 0, 'the field error');
  assert.match(await err.textContent(), /at most 100/);
  assert.equal(await page.locator('#dialog').evaluate((d) => d.open), true);
  assert.equal(await page.inputValue('#dialog input[name=code]'), 'E2EHEMAT');
  assert.equal(await page.inputValue('#dialog input[name=min_transaction]'), '5000');
  await shot('voucher-field-error');
  await page.selectOption('#dialog select[name=type]', 'fixed');
  await page.fill('#dialog input[name=value]', '1500');
  await page.click('#dialog button[value=ok]');
  await page.waitForSelector('td:text("E2EHEMAT")');
  await page.locator('tr', { hasText: 'E2EHEMAT' }).locator('text=Uses').click();
  await page.waitForSelector('#usages h2:text("Uses of E2EHEMAT")');
  await shot('vouchers');
  const find = async () => (await api('GET', '/admin/vouchers', undefined, adminToken)).body.find((x) => x.code === 'E2EHEMAT');
  const v = await find();
  assert.ok(v, 'the voucher exists');
  assert.equal(v.value, 1500);
  assert.equal(v.type, 'fixed');
  assert.equal(v.min_transaction, 5000, 'the input typed before the refusal was kept');

  // Deactivate: a confirmation that names the voucher; Cancel changes nothing.
  const row = () => page.locator('tr', { hasText: 'E2EHEMAT' });
  await row().locator('button', { hasText: 'Deactivate' }).click();
  assert.match(await page.locator('#dialog .intro').textContent(), /E2EHEMAT/);
  await page.click('#dialog button[value=cancel]');
  await sleep(300);
  assert.equal((await find()).is_active, true);
  await row().locator('button', { hasText: 'Deactivate' }).click();
  await page.click('#dialog button[value=ok]');
  await waitFor(async () => (await find()).is_active === false, 'the deactivation');
  // ... and on again.
  await row().locator('button', { hasText: 'Activate' }).click();
  await page.click('#dialog button[value=ok]');
  await waitFor(async () => (await find()).is_active === true, 'the reactivation');

  // Editing: an emptied "Total uses" or "Valid until" removes the limit, as the labels say.
  const limited = await api('PATCH', `/admin/vouchers/${v.id}`, { usage_limit: 20, end_date: '2099-01-01T00:00:00Z' }, adminToken);
  assert.equal(limited.status, 200, JSON.stringify(limited.body));
  await page.goto(base + '/admin#/dashboard');
  await page.goto(base + '/admin#/vouchers');
  await page.locator('td', { hasText: 'E2EHEMAT' }).click();
  assert.equal(await page.inputValue('#dialog input[name=usage_limit]'), '20');
  await page.fill('#dialog input[name=usage_limit]', '');
  await page.fill('#dialog input[name=end_date]', '');
  await page.click('#dialog button[value=ok]');
  await waitFor(async () => { const now = await find(); return now.usage_limit == null && now.end_date == null; }, 'the limit and the end removed');
  assert.equal((await find()).min_transaction, 5000, 'what was not emptied stays');
});

test('suspending a user asks first, Cancel changes nothing; a 422 from a balance change stays in its dialog', async () => {
  const reg = await api('POST', '/auth/register', { name: 'Budi Santoso', email: 'budi-e2e@example.com', phone: '081277776666', password: 'rahasia-e2e-123' });
  assert.equal(reg.status, 201, JSON.stringify(reg.body));
  const id = reg.body.user.id;
  const statusNow = async () => (await api('GET', `/admin/users/${id}`, undefined, adminToken)).body.status;
  await page.goto(base + `/admin#/user/${id}`);
  await clearToasts();
  await page.click('#suspend-user');
  assert.match(await page.locator('#dialog .intro').textContent(), /Budi Santoso/);
  await page.keyboard.press('Escape');
  await sleep(300);
  assert.equal(await statusNow(), 'active');
  assert.equal(await page.locator('.toast').count(), 0);
  await page.click('#suspend-user');
  await page.click('#dialog button[value=ok]');
  await waitFor(async () => (await statusNow()) === 'suspended', 'the suspension');
  await page.click('text=Reactivate…');
  await page.click('#dialog button[value=ok]');
  await waitFor(async () => (await statusNow()) === 'active', 'the reactivation');
  // Taking more than the balance: refused, the dialog stays with the reason.
  await page.click('text=Adjust balance…');
  await page.fill('#dialog input[name=amount]', '-5000');
  await page.fill('#dialog input[name=reason]', 'koreksi');
  await page.click('#dialog button[value=ok]');
  await waitFor(async () => ((await page.locator('#dialog .error, #dialog .field-error').allTextContents()).join('')).length > 0, 'the refusal');
  assert.equal(await page.locator('#dialog').evaluate((d) => d.open), true);
  assert.equal(await page.inputValue('#dialog input[name=reason]'), 'koreksi');
  await page.click('#dialog button[value=cancel]');
  // Withdrawals name the member.
  const member = await api('POST', '/auth/login', { identifier: 'budi-e2e@example.com', password: 'rahasia-e2e-123' });
  assert.equal((await api('PATCH', `/admin/users/${id}`, { customer_type: 'reseller' }, adminToken)).status, 200, 'withdrawals are for resellers');
  const funded = await api('POST', `/admin/users/${id}/balance-adjustments`, { amount: 100000, reason: 'e2e' }, adminToken);
  assert.equal(funded.status, 200, JSON.stringify(funded.body));
  const wd = await api('POST', '/withdrawals', { amount: 50000, payment_method: 'BCA', account_number: '1234567890', account_name: 'Budi Santoso' }, member.body.token);
  assert.equal(wd.status, 201, JSON.stringify(wd.body));
  await page.goto(base + '/admin#/withdrawals');
  const wrow = page.locator('tr', { hasText: wd.body.reference_id });
  await wrow.waitFor();
  assert.match(await wrow.textContent(), /Budi Santoso/);
  await wrow.locator('input[type=checkbox]').check();
  await page.click('text=Approve selected');
  assert.match(await page.locator('#dialog .intro').textContent(), /Rp 50\.000/);
  await page.click('#dialog button[value=ok]');
  await waitFor(async () => (await api('GET', '/admin/withdrawals', undefined, adminToken)).body.data.find((w) => w.id === wd.body.id)?.status === 'approved', 'the bulk approval');
  await shot('withdrawals');
});

test('the orders list: views, the customer column, sorting by total', async () => {
  await page.goto(base + '/admin#/orders');
  await page.waitForSelector('#order-filters');
  const headers = await page.locator('table.data th').allTextContents();
  assert.ok(headers.some((t) => /Customer/.test(t)), headers.join('|'));
  assert.match(await page.locator('table.data tbody').textContent(), /ok1@example\.com/);
  await page.click('th >> text=Total');
  await page.waitForFunction(() => location.hash.includes('sort=total_'));
  await page.waitForSelector('table.data th[aria-sort=ascending], table.data th[aria-sort=descending]');
  await settled();
  const totals = (await page.locator('table.data tbody tr td:nth-child(6)').allTextContents()).map((t) => Number(t.replace(/\D/g, '')));
  assert.ok(totals.length > 1);
  const asc = totals.every((t, i) => i === 0 || totals[i - 1] <= t), desc = totals.every((t, i) => i === 0 || totals[i - 1] >= t);
  assert.ok(asc || desc, `sorted totals: ${totals}`);
  await page.selectOption('#order-view', 'expired');
  await page.waitForFunction(() => location.hash.includes('view=expired'));
  await settled();
  await page.selectOption('#order-view', 'deposits');
  await page.waitForFunction(() => location.hash.includes('view=deposits'));
  await settled();
  assert.match(await page.locator('#main h1').textContent(), /Deposits/);
  // "/" jumps to the search box.
  await page.locator('#main h1').click();
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement?.name), 'search');
});

test('a product sync shows its run, cannot run twice, and lists past runs', async () => {
  await page.goto(base + '/admin#/products');
  await page.waitForSelector('#sync-now');
  await page.click('#sync-now');
  assert.equal(await page.locator('#sync-now').isDisabled(), true, 'disabled while it runs');
  await page.waitForSelector('.toast >> text=Sync:');
  await settled();
  await page.waitForSelector('#sync-now:not([disabled])');
  assert.match(await page.locator('#sync-status').textContent(), /Last sync .* WIB/);
  assert.match(await page.locator('#sync-card summary').textContent(), /Past syncs \(\d+\)/);
  const runs = (await api('GET', '/admin/products/sync-runs', undefined, adminToken)).body;
  assert.equal(runs.filter((r) => r.trigger === 'admin').length, 1, 'one click, one sync');
});

test('reports: a from-date after the to-date keeps the page with the reason; an empty range says so', async () => {
  await page.goto(base + '/admin#/reports');
  await page.waitForSelector('#report-range');
  await page.fill('#report-range input[name=from]', '2026-03-10');
  await page.fill('#report-range input[name=to]', '2026-03-01');
  await page.click('#report-range button:text("Show")');
  assert.match(await page.locator('#report-range .field-error').textContent(), /after the end date/);
  assert.equal(await page.locator('#main h1').textContent(), 'Reports');
  await page.goto(base + '/admin#/reports?from=2001-01-01&to=2001-01-31');
  await page.waitForSelector('.chart-empty');
  assert.match(await page.locator('.chart-empty').textContent(), /No revenue in this range/);
  await page.goto(base + '/admin#/reports?from=2001-02-01&to=2001-01-01');
  await page.waitForSelector('#report-range .field-error:not(:empty)');
  assert.equal(await page.locator('#main h1').textContent(), 'Reports', 'a refused range does not replace the page');
});

test('maintenance asks first, shows a banner on every page, and turns off again', async () => {
  await page.goto(base + '/admin#/settings');
  await page.click('#maintenance-toggle');
  await page.click('#dialog button[value=cancel]');
  await sleep(300);
  const flag = async () => (await api('GET', '/admin/settings', undefined, adminToken)).body.find((s) => s.key === 'maintenance.active').value;
  assert.equal(await flag(), 'false');
  await page.click('#maintenance-toggle');
  await page.click('#dialog button[value=ok]');
  await page.waitForSelector('#maintenance-banner');
  await page.click('a[href="#/orders"]');
  await page.waitForSelector('#order-filters');
  assert.equal(await page.locator('#maintenance-banner').isVisible(), true);
  await page.goto(base + '/admin#/settings');
  await page.click('#maintenance-toggle');
  await page.click('#dialog button[value=ok]');
  await waitFor(async () => (await flag()) === 'false', 'maintenance off');
  await page.waitForSelector('#maintenance-banner', { state: 'detached' });
  // Settings say what they do.
  assert.match(await page.locator('#main').textContent(), /Buying without an account/);
});

test("see a reseller's API key with its orders, and suspend it", async () => {
  const reg = await api('POST', '/auth/register', { name: 'Toko H2H', email: 'h2h-e2e@example.com', phone: '081288887777', password: 'rahasia-e2e-123' });
  assert.equal(reg.status, 201, JSON.stringify(reg.body));
  const made = await api('PATCH', `/admin/users/${reg.body.user.id}`, { customer_type: 'reseller' }, adminToken);
  assert.equal(made.status, 200, JSON.stringify(made.body));
  const key = await api('POST', '/me/api-keys', { name: 'Toko online', ip_whitelist: ['127.0.0.1', '::1'] }, reg.body.token);
  assert.equal(key.status, 201, JSON.stringify(key.body));
  const keyId = key.body.key.key_id;
  await page.goto(base + '/admin#/apikeys');
  const row = page.locator('tr', { hasText: keyId });
  await row.waitFor();
  assert.match(await row.textContent(), /Toko online/);
  assert.match(await row.textContent(), /0 \(0 ok, 0 failed\)/);
  await shot('apikeys');
  await row.locator('button', { hasText: 'Suspend' }).click();
  assert.match(await page.locator('#dialog .intro').textContent(), new RegExp(keyId));
  await page.click('#dialog button[value=ok]');
  await waitFor(async () => (await api('GET', '/admin/api-keys', undefined, adminToken)).body.find((k) => k.key_id === keyId)?.status === 'suspended', 'the suspension');
  await page.locator('tr', { hasText: keyId }).locator('button', { hasText: 'Unsuspend' }).waitFor();
});

const PAGES = ['dashboard', 'orders', 'products', 'categories', 'pricing', 'users', 'withdrawals', 'apikeys', 'vouchers', 'banners', 'settings', 'reports', 'jobs', 'activity', 'system'];

test('every page renders without an error, at 1440 px and at 390 px, never wider than the screen', async () => {
  const failed = process.env.E2E_FAILED;
  const pages = [...PAGES, `order/${failed}`, `order/${process.env.E2E_SLOW}`, 'user/1'];
  const label = (name) => name === `order/${failed}` ? 'order-refunded' : name === `order/${process.env.E2E_SLOW}` ? 'order-delivered' : name.replace('/', '-');
  for (const [width, height] of [[1440, 900], [390, 844]]) {
    await page.setViewportSize({ width, height });
    for (const name of pages) {
      await page.goto(base + `/admin#/${name}`);
      await settled();
      const text = await page.locator('#main').textContent();
      assert.ok(!text.includes('Something went wrong'), `${name}: ${text.slice(0, 200)}`);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(wide <= width, `${name} at ${width} px is ${wide} px wide`);
      await shot(`page-${label(name)}-${width}`);
    }
  }
  // On a phone the menu is one button that opens and closes.
  assert.equal(await page.locator('#side').isVisible(), false);
  await page.click('#menu-toggle');
  assert.equal(await page.locator('#side').isVisible(), true);
  const navHeight = await page.locator('#menu-toggle').evaluate((b) => b.getBoundingClientRect().height);
  assert.ok(navHeight < 60, `menu button ${navHeight} px`);
  await shot('menu-390');
  await page.click('#side a[href="#/orders"]');
  await page.waitForSelector('#order-filters');
  await page.waitForSelector('#side', { state: 'hidden', timeout: 5000 }); // choosing a page closes the menu
  // Card rows: the total and status of an order are on screen with their labels.
  const total = page.locator('table.data tbody tr').first().locator('td[data-label=Total]');
  const box = await total.boundingBox();
  assert.ok(box && box.x >= 0 && box.x + box.width <= 390, `the total is on screen: ${JSON.stringify(box)}`);
  assert.equal(await total.evaluate((td) => getComputedStyle(td, '::before').content), '"Total"', 'with its label');
  await page.setViewportSize({ width: 1440, height: 900 });

  // Amounts are rupiah with Indonesian grouping, and the config shows no secret.
  await page.goto(base + '/admin#/system');
  await page.waitForSelector('#config');
  assert.ok(!(await page.locator('#config').textContent()).includes('demo-private-key'));
  assert.match(await page.locator('#replication-config').textContent(), /No replica is configured/);
  assert.equal(await page.locator('td', { hasText: 'not replicated' }).count(), 2, 'both files listed as not replicated');
  // The favicon is served.
  assert.equal((await fetch(base + '/admin/favicon.svg')).status, 200);
  assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
});
