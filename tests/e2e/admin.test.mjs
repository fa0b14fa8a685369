// Browser tests of the admin console: the real lapak binary in demo mode (built-in
// Digiflazz and Tripay simulators) on a free port, driven by Playwright in Debian's
// Chromium. Screenshots of every page go to tests/e2e/artifacts/.

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

let dir, base, server, browser, page, adminToken;

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
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('log in and read the dashboard figures of the seeded orders', async () => {
  await page.goto(base + '/admin');
  await shot('login');
  await page.fill('input[name=identifier]', 'admin@example.com');
  await page.fill('input[name=password]', 'e2e-admin-pass');
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('text=Revenue today');
  const today = (await api('GET', '/admin/dashboard?period=today', undefined, adminToken)).body;
  assert.equal(today.figures.orders, 2);
  assert.equal(today.figures.revenue, 24000);
  const card = page.locator('.stat', { hasText: 'Revenue today' });
  assert.equal((await card.locator('.value').textContent()).trim(), rupiah(24000));
  assert.match(await card.textContent(), /2 orders/);
  assert.equal((await page.locator('#refund-required').textContent()).trim(), '1');
  // Demo mode has no replica: the dashboard says so and links to the system page.
  assert.match(await page.locator('#replication-alert').textContent(), /No replica/);
  await shot('dashboard');
});

test('a pricing rule change moves the public price', async () => {
  const before = (await api('GET', '/products/slug/xl-pulsa')).body.items.find((i) => i.sku === 'xld10').price;
  assert.equal(before, 12000);
  await page.goto(base + '/admin#/pricing');
  await page.locator('tr.click', { hasText: 'global' }).filter({ hasText: 'retail' }).click();
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
  await page.click('text=Re-check supplier');
  await waitFor(async () => ((await page.locator('#order-sn').textContent()) || '').trim() !== '—', 'the SN after the re-check');
  assert.equal(await statusOf(slow), 'success');
  await shot('order-detail');

  await page.goto(base + '/admin#/orders?refund=1');
  await page.locator('tr.click', { hasText: process.env.E2E_FAILED }).click();
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
  await page.click('text=Set status…');
  await page.selectOption('#dialog select[name=status]', 'failed');
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
  await page.locator('tr.click', { hasText: code }).click();
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

test('create a voucher', async () => {
  await page.goto(base + '/admin#/vouchers');
  await page.click('#new-voucher');
  await page.fill('#dialog input[name=code]', 'E2EHEMAT');
  await page.fill('#dialog input[name=name]', 'E2E hemat');
  await page.selectOption('#dialog select[name=type]', 'fixed');
  await page.fill('#dialog input[name=value]', '1500');
  await page.click('#dialog button[value=ok]');
  await page.waitForSelector('td:text("E2EHEMAT")');
  await page.locator('tr', { hasText: 'E2EHEMAT' }).locator('text=Uses').click();
  await page.waitForSelector('#usages h2:text("Uses of E2EHEMAT")');
  await shot('vouchers');
  const list = (await api('GET', '/admin/vouchers', undefined, adminToken)).body;
  const v = list.find((x) => x.code === 'E2EHEMAT');
  assert.ok(v, 'the voucher exists');
  assert.equal(v.value, 1500);
  assert.equal(v.type, 'fixed');
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
  await waitFor(async () => (await api('GET', '/admin/api-keys', undefined, adminToken)).body.find((k) => k.key_id === keyId)?.status === 'suspended', 'the suspension');
  await page.locator('tr', { hasText: keyId }).locator('button', { hasText: 'Unsuspend' }).waitFor();
});

test('every page renders without an error', async () => {
  for (const name of ['dashboard', 'orders', 'products', 'categories', 'pricing', 'users', 'withdrawals', 'apikeys', 'vouchers', 'banners', 'settings', 'reports', 'jobs', 'activity', 'system']) {
    await page.goto(base + `/admin#/${name}`);
    await page.waitForFunction(() => !document.querySelector('#main')?.textContent.includes('Loading…'));
    const text = await page.locator('#main').textContent();
    assert.ok(!text.includes('Something went wrong'), `${name}: ${text.slice(0, 200)}`);
    await shot(`page-${name}`);
  }
  // Amounts are rupiah with Indonesian grouping, and the config shows no secret.
  await page.goto(base + '/admin#/system');
  await page.waitForSelector('#config');
  assert.ok(!(await page.locator('#config').textContent()).includes('demo-private-key'));
  assert.match(await page.locator('#replication-config').textContent(), /No replica is configured/);
  assert.equal(await page.locator('td', { hasText: 'not replicated' }).count(), 2, 'both files listed as not replicated');
});
