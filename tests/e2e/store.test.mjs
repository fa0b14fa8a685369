// Browser tests of the storefront: a buyer on a phone (390 px) and on a desktop
// (1440 px) against the real lapak binary in demo mode. Screenshots of every page go to
// tests/e2e/artifacts/store-*.png.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { artifacts, freePort, launch, startLapak, waitFor } from './lib.mjs';

let lapak, browser, phone, desktop, keyServer;

// A stand-in for Google: a key pair made here, its public half served as Google serves
// its JWK set, and ID tokens signed with the private half.
const GOOGLE_CLIENT = 'e2e-shop.apps.googleusercontent.com';
const googleKeys = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const b64url = (b) => Buffer.from(b).toString('base64url');
function idToken(claims) {
  const header = b64url(JSON.stringify({ alg: 'RS256', kid: 'e2e-key', typ: 'JWT' }));
  const now = Math.floor(Date.now() / 1000);
  const body = b64url(JSON.stringify({ iss: 'https://accounts.google.com', aud: GOOGLE_CLIENT, iat: now, exp: now + 3600, ...claims }));
  const signature = crypto.sign('sha256', Buffer.from(`${header}.${body}`), googleKeys.privateKey);
  return `${header}.${body}.${b64url(signature)}`;
}

before(async () => {
  const jwk = { ...googleKeys.publicKey.export({ format: 'jwk' }), kid: 'e2e-key', alg: 'RS256', use: 'sig' };
  const keyPort = await freePort();
  keyServer = http.createServer((req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify({ keys: [jwk] })); });
  await new Promise((r) => keyServer.listen(keyPort, '127.0.0.1', r));
  lapak = await startLapak({ LAPAK_SIMULATOR__PENDING_DELAY_SECS: '2', LAPAK_AUTH__GOOGLE_CLIENT_ID: GOOGLE_CLIENT,
    LAPAK_AUTH__GOOGLE_KEYS_URL: `http://127.0.0.1:${keyPort}/oauth2/v3/certs` });
  browser = await launch();
  phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'id-ID' })).newPage();
  desktop = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
});

after(async () => {
  await browser?.close();
  lapak?.stop();
  keyServer?.close();
});

async function shot(page, name) {
  const width = page.viewportSize().width;
  await page.screenshot({ path: path.join(artifacts, `store-${name}-${width}.png`), fullPage: true });
}

/** Nothing is wider than the screen. */
/** The label of the item with this SKU on the open product page. */
async function itemOf(page, slug, sku) {
  const id = (await lapak.api('GET', `/products/slug/${slug}`)).body.items.find((i) => i.sku === sku).id;
  return page.locator(`#items label:has(input[value="${id}"])`);
}

async function fits(page) {
  const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(scroll <= width, `the page is ${scroll} px wide on a ${width} px screen`);
}


test('home: categories, products, search as you type, at 390 and 1440 px', async () => {
  for (const page of [phone, desktop]) {
    await page.goto(lapak.base + '/');
    await page.waitForSelector('#products .tile');
    assert.ok(await page.locator('#products .tile').count() >= 10);
    await page.fill('#search', 'mobile leg');
    await waitFor(async () => (await page.locator('#products .tile').count()) === 1, 'search results');
    assert.match(await page.locator('#products .tile').first().textContent(), /Mobile Legends/);
    await fits(page);
    await page.fill('#search', '');
    await page.locator('.chip', { hasText: 'Pulsa' }).click();
    const names = await page.locator('#products .tile strong').allTextContents();
    assert.ok(names.length > 0 && names.every((n) => /Pulsa/.test(n)), names.join(', '));
    await shot(page, 'home');
  }
});

test('a guest buys Mobile Legends diamonds with QRIS, pays, and sees the SN', async () => {
  const page = phone;
  await page.goto(lapak.base + '/');
  await page.waitForSelector('#products .tile');
  await page.locator('#products .tile', { hasText: 'Mobile Legends' }).click();
  await page.waitForSelector('#f-user_id');
  await page.fill('#f-user_id', '12345678');
  await page.fill('#f-zone_id', '1234');
  await page.locator('#items label', { hasText: '5 Diamonds' }).click();
  await page.waitForSelector('#channels input[value=QRIS]', { state: 'attached' });
  await page.locator('#channels label', { hasText: 'QRIS' }).click();
  await waitFor(async () => /Rp\s?4\.174/.test(await page.locator('#total').textContent()), 'the total with the QRIS fee');
  await page.fill('#f-customer_name', 'Budi');
  await page.fill('#f-customer_email', 'budi@example.com');
  await fits(page);
  await shot(page, 'product');
  // A double tap sends one attempt: one order.
  await page.locator('#buy').dblclick();
  await page.waitForURL(/\/order\/LPK/);
  const code = page.url().split('/order/')[1];
  await page.waitForSelector('#qr');
  assert.equal(await page.locator('#status').getAttribute('data-status'), 'pending');
  assert.match(await page.locator('#countdown').textContent(), /\d\d:\d\d:\d\d/);
  await shot(page, 'order-pending');
  const mine = await lapak.api('GET', `/transactions/${code}?email=budi@example.com`);
  assert.equal(mine.body.total_price, 4174);

  // Pay on the (simulated) Tripay page, then back to the order: it moves on by itself.
  await page.locator('#pay-link').click();
  await page.locator('button.pay').click();
  await page.goto(lapak.base + `/order/${code}`);
  await page.waitForSelector('#sn', { timeout: 20000 });
  assert.equal(await page.locator('#status').getAttribute('data-status'), 'success');
  const sn = (await page.locator('#sn').textContent()).trim();
  assert.equal(sn, (await lapak.api('GET', `/transactions/${code}?email=budi@example.com`)).body.sn);
  assert.ok(sn.length >= 10);
  await fits(page);
  await shot(page, 'order-success');
  await desktop.goto(lapak.base + `/order/${code}`);
  await desktop.fill('#proof', 'budi@example.com');
  await desktop.locator('button[type=submit]').click();
  await desktop.waitForSelector('#sn');
  await shot(desktop, 'order-success');
});

test('a wrong Zone ID is shown beside the field, and nothing is bought', async () => {
  const page = phone;
  await page.goto(lapak.base + '/p/mobile-legends');
  await page.waitForSelector('#f-zone_id');
  await page.fill('#f-user_id', '12345678');
  await page.fill('#f-zone_id', '12#4');
  assert.match(await page.locator('#f-zone_id-err').textContent(), /Format tidak sesuai/);
  assert.equal(await page.locator('#f-zone_id').getAttribute('aria-invalid'), 'true');
  await page.locator('#items label', { hasText: '5 Diamonds' }).click();
  await page.locator('#channels label', { hasText: 'QRIS' }).click();
  await page.fill('#f-customer_name', 'Budi');
  await page.fill('#f-customer_email', 'zone@example.com');
  await page.locator('#buy').click();
  assert.equal(page.url(), lapak.base + '/p/mobile-legends', 'still on the product page');
  await shot(page, 'product-error');
  const r = await lapak.api('GET', '/transactions/LPK0?email=zone@example.com');
  assert.equal(r.status, 404);
});

test('a pulsa number of another operator is refused before paying', async () => {
  const page = phone;
  await page.goto(lapak.base + '/p/telkomsel-pulsa');
  await page.waitForSelector('#f-phone');
  await page.fill('#f-phone', '081755550000');
  await waitFor(async () => /XL/.test(await page.locator('#f-phone-err').textContent()), 'the operator check');
  assert.match(await page.locator('#f-phone-err').textContent(), /bukan TELKOMSEL/i);
  await page.fill('#f-phone', '081255550000');
  await waitFor(async () => /Telkomsel/.test(await page.locator('#f-phone-hint').textContent()), 'the operator hint');
  assert.equal((await page.locator('#f-phone-err').textContent()).trim(), '');
});

test("another guest's order page asks for proof and refuses the wrong one", async () => {
  const item = (await lapak.api('GET', '/products/slug/xl-pulsa')).body.items[0].id;
  const r = await lapak.api('POST', '/transactions', { product_item_id: item, customer_data: { phone: '087800001230' }, payment_method: 'QRIS',
    customer_name: 'Sari', customer_email: 'sari@example.com' });
  assert.equal(r.status, 201);
  const code = r.body.transaction_code;
  const stranger = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  await stranger.goto(lapak.base + `/order/${code}`);
  await stranger.fill('#proof', 'someone@example.com');
  await stranger.locator('button[type=submit]').click();
  await stranger.waitForSelector('#proof-err');
  assert.equal(await stranger.locator('#sn, #status').count(), 0, 'nothing of the order is shown');
  await shot(stranger, 'order-proof');
  await stranger.fill('#proof', 'sari@example.com');
  await stranger.locator('button[type=submit]').click();
  await stranger.waitForSelector('#status');
  assert.equal(await stranger.locator('#status').getAttribute('data-status'), 'pending');
  await stranger.context().close();
});

test('a voucher shows its discount before paying and the order costs that', async () => {
  const v = await lapak.api('POST', '/admin/vouchers', { code: 'HEMAT1', name: 'Hemat', type: 'fixed', value: 1000 }, lapak.admin);
  assert.equal(v.status, 201, JSON.stringify(v.body));
  const page = phone;
  await page.goto(lapak.base + '/p/xl-pulsa');
  await page.waitForSelector('#f-phone');
  await page.fill('#f-phone', '087800001230');
  await (await itemOf(page, 'xl-pulsa', 'xld10')).click();
  await page.locator('#channels label', { hasText: 'QRIS' }).click();
  await waitFor(async () => /Rp/.test(await page.locator('#total').textContent()), 'the total');
  const before = await page.locator('#total').textContent();
  await page.fill('#voucher', 'NOSUCH');
  await page.locator('#apply-voucher').click();
  await waitFor(async () => /no such voucher/.test(await page.locator('#voucher-err').textContent()), 'the refusal');
  await page.fill('#voucher', 'hemat1');
  await page.locator('#apply-voucher').click();
  await waitFor(async () => (await page.locator('#discount').count()) === 1, 'the discount');
  assert.match(await page.locator('#discount').textContent(), /Rp\s?1\.000/);
  const after = await page.locator('#total').textContent();
  const num = (s) => Number(s.replace(/\D/g, ''));
  assert.ok(num(after) < num(before), `${after} < ${before}`);
  await page.fill('#f-customer_name', 'Vera');
  await page.fill('#f-customer_email', 'vera@example.com');
  await shot(page, 'product-voucher');
  await page.locator('#buy').click();
  await page.waitForSelector('#discount');
  assert.match(await page.locator('#discount').textContent(), /Rp\s?1\.000/);
  assert.equal(num(await page.locator('#order-total').textContent()), num(after));
});

test('a member registers, pays with the balance, and a failed order shows the refund', async () => {
  const page = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true })).newPage();
  await page.goto(lapak.base + '/register');
  await page.fill('#account-name', 'Rina');
  await page.fill('#account-email', 'rina@example.com');
  await page.fill('#account-phone', '081277778888');
  await page.fill('#account-password', 'kuda-lumping-77');
  await page.locator('#account button[type=submit]').click();
  await page.waitForSelector('#balance');
  await shot(page, 'account');
  const users = await lapak.api('GET', '/admin/users?search=rina@example.com', undefined, lapak.admin);
  const id = users.body.data[0].id;
  const fund = await lapak.api('POST', `/admin/users/${id}/balance-adjustments`, { amount: 50000, reason: 'e2e' }, lapak.admin);
  assert.equal(fund.status, 200, JSON.stringify(fund.body));

  const buy = async (number) => {
    await page.goto(lapak.base + '/p/xl-pulsa');
    await page.waitForSelector('#f-phone');
    await page.fill('#f-phone', number);
    await (await itemOf(page, 'xl-pulsa', 'xld10')).click();
    await page.locator('#channels label', { hasText: 'Saldo' }).click();
    assert.equal(await page.locator('#f-customer_email').count(), 0, 'a member gives no contact');
    await page.locator('#buy').click();
    await page.waitForURL(/\/order\/LPK/);
  };
  await buy('087833334444');
  await page.waitForSelector('#sn', { timeout: 20000 });
  await shot(page, 'order-balance');
  await buy('087812349902');
  await page.waitForSelector('#money', { timeout: 20000 });
  assert.equal(await page.locator('#status').getAttribute('data-status'), 'refunded');
  assert.match(await page.locator('#money').textContent(), /dikembalikan/);
  await shot(page, 'order-refunded');
  await page.goto(lapak.base + '/account');
  await page.waitForSelector('#balance');
  const balance = Number((await page.locator('#balance').textContent()).replace(/\D/g, ''));
  const price = (await lapak.api('GET', '/products/slug/xl-pulsa')).body.items.find((i) => i.sku === 'xld10').price;
  assert.equal(balance, 50000 - price, 'one purchase paid, the failed one refunded');
  assert.equal(await page.locator('a.tile').count(), 2, 'both orders in the history');
  await page.context().close();
});

test('Google sign-in: the button, a token lapak checks against the keys, the account page', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
  // Google's script, replaced by one that "signs in" with a token from our key pair.
  const token = idToken({ sub: 'google-e2e-1', email: 'gita@example.com', email_verified: true, name: 'Gita' });
  const forged = idToken({ sub: 'google-e2e-2', email: 'mallory@example.com', email_verified: true, aud: 'another-client' });
  let credential = forged;
  await context.route('https://accounts.google.com/gsi/client', (route) => route.fulfill({ contentType: 'text/javascript', body: `
    window.google = { accounts: { id: {
      initialize(o) { this.o = o; },
      renderButton(box) {
        const b = document.createElement('button'); b.type = 'button'; b.id = 'fake-google'; b.textContent = 'Sign in with Google';
        b.onclick = () => this.o.callback({ credential: window.__credential });
        box.append(b);
      } } } };` }));
  const page = await context.newPage();
  await page.goto(lapak.base + '/login');
  await page.waitForSelector('#fake-google');
  const csp = (await page.request.get(lapak.base + '/login')).headers()['content-security-policy'];
  assert.match(csp, /script-src 'self' https:\/\/accounts\.google\.com\/gsi\/client/);
  // A token for another client id is refused, and said so.
  await page.evaluate((c) => { window.__credential = c; }, credential);
  await page.locator('#fake-google').click();
  await waitFor(async () => /another client id/.test(await page.locator('#account-err').textContent()), 'the refusal');
  credential = token;
  await page.evaluate((c) => { window.__credential = c; }, credential);
  await page.locator('#fake-google').click();
  await page.waitForSelector('#balance');
  assert.match(await page.locator('h1').textContent(), /Gita/);
  await shot(page, 'google');
  await context.close();
});

test('the home page weighs under 100 KB compressed, from lapak alone, and works in English', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const loaded = [];
  page.on('requestfinished', async (req) => {
    if (['document', 'script', 'stylesheet'].includes(req.resourceType())) loaded.push(req);
  });
  await page.goto(lapak.base + '/', { waitUntil: 'networkidle' });
  await page.waitForSelector('#products .tile');
  assert.ok(loaded.length >= 5, `${loaded.length} files`);
  let bytes = 0;
  for (const req of loaded) {
    assert.ok(req.url().startsWith(lapak.base), `no third party: ${req.url()}`);
    const resp = await req.response();
    assert.match(resp.headers()['content-encoding'] || '', /^(br|gzip)$/, `${req.url()} is compressed`);
    bytes += (await req.sizes()).responseBodySize;
  }
  console.log(`home page: ${loaded.length} files, ${(bytes / 1024).toFixed(1)} KiB compressed`);
  assert.ok(bytes < 100 * 1024, `${bytes} bytes`);
  // English is one tap away, and stays.
  await page.locator('#lang').click();
  await waitFor(async () => (await page.locator('#search').getAttribute('placeholder')) === 'Search products…', 'English');
  await page.reload();
  await page.waitForSelector('#search');
  assert.equal(await page.locator('#search').getAttribute('placeholder'), 'Search products…');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  await context.close();
});

test('a member tops up through Tripay, is notified, and resets a forgotten password', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
  const page = await context.newPage();
  await page.goto(lapak.base + '/register');
  await page.fill('#account-name', 'Tono');
  await page.fill('#account-email', 'tono@example.com');
  await page.fill('#account-phone', '081266667777');
  await page.fill('#account-password', 'kuda-lumping-77');
  await page.locator('#account button[type=submit]').click();
  await page.waitForSelector('#balance');
  await page.fill('#deposit-amount', '20000');
  await page.selectOption('#deposit-channel', 'QRIS');
  await page.locator('#deposit button[type=submit]').click();
  await page.waitForSelector('#pay-link');
  await page.locator('#pay-link').click();
  await page.locator('button.pay').click();
  await page.goto(lapak.base + '/account');
  await waitFor(async () => { await page.reload(); await page.waitForSelector('#balance'); return /20\.000/.test(await page.locator('#balance').textContent()); }, 'the deposit');
  assert.match(await page.locator('#unread').textContent(), /^[1-9]/, 'a notification came with the money');
  assert.match(await page.locator('#mutations').textContent(), /\+Rp\s?20\.000/);
  await shot(page, 'account-deposit');
  await page.locator('#notifications button').click();
  await waitFor(async () => /^0 /.test(await page.locator('#unread').textContent()), 'all read');

  // Forgotten password: the link in the mail (logged, as no SMTP server is set) leads
  // to the storefront's reset page.
  await page.locator('button', { hasText: 'Keluar' }).click();
  await page.goto(lapak.base + '/forgot');
  await page.fill('#forgot-email', 'tono@example.com');
  await page.locator('#forgot button[type=submit]').click();
  await waitFor(async () => /tautan reset/.test(await page.locator('#forgot-note').textContent()), 'the answer');
  const link = await waitFor(async () => lapak.log().match(/http:\/\/127\.0\.0\.1:\d+\/reset-password\?token=[A-Za-z0-9_-]+/)?.[0], 'the mailed link');
  await page.goto(link);
  await page.fill('#reset-password', 'kuda-terbang-88');
  await page.locator('#reset button[type=submit]').click();
  await page.waitForURL(/\/login$/);
  await page.fill('#account-identifier', 'tono@example.com');
  await page.fill('#account-password', 'kuda-terbang-88');
  await page.locator('#account button[type=submit]').click();
  await page.waitForSelector('#balance');
  await context.close();
});

test('every page: fits 360, 390 and 1440 px, labels on every input, 44 px tap targets; screenshots', async () => {
  const item = (await lapak.api('GET', '/products/slug/xl-pulsa')).body.items[0].id;
  const r = await lapak.api('POST', '/transactions', { product_item_id: item, customer_data: { phone: '087855556666' }, payment_method: 'QRIS',
    customer_name: 'Lia', customer_email: 'lia@example.com' });
  const code = r.body.transaction_code;
  const pages = { home: '/', product: '/p/mobile-legends', order: `/order/${code}`, login: '/login', register: '/register', forgot: '/forgot' };
  for (const width of [360, 390, 1440]) {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    await context.addInitScript((c) => sessionStorage.setItem(`proof:${c}`, 'lia@example.com'), code);
    const page = await context.newPage();
    for (const [name, url] of Object.entries(pages)) {
      await page.goto(lapak.base + url, { waitUntil: 'networkidle' });
      await page.waitForFunction(() => !document.querySelector('#main')?.textContent.includes('Memuat'));
      await fits(page);
      const unlabelled = await page.evaluate(() => [...document.querySelectorAll('main input:not([type=radio]), main select')]
        .filter((i) => !i.getAttribute('aria-label') && !(i.id && document.querySelector(`label[for="${i.id}"]`))).map((i) => i.name || i.id));
      assert.deepEqual(unlabelled, [], `${name}: inputs without a label`);
      const small = await page.evaluate(() => [...document.querySelectorAll('main button, main .option, main input:not([type=radio]), main select, .chip')]
        .filter((e) => e.offsetParent !== null && e.getBoundingClientRect().height < 44).map((e) => e.id || e.textContent.trim().slice(0, 20)));
      assert.deepEqual(small, [], `${name}: tap targets under 44 px`);
      if (width !== 360) await shot(page, `page-${name}`);
    }
    await context.close();
  }
});

test("a PLN meter's owner is shown before buying a token", async () => {
  const page = phone;
  await page.goto(lapak.base + '/p/pln-token');
  await page.waitForSelector('#f-meter_no');
  await page.fill('#f-meter_no', '12345678901');
  await waitFor(async () => /BUDI SANTOSO/.test(await page.locator('#f-meter_no-hint').textContent()), 'the owner');
  assert.match(await page.locator('#f-meter_no-hint').textContent(), /R1 \/000001300/);
  await page.fill('#f-meter_no', '99999999999');
  await waitFor(async () => /Nomor Tujuan Salah/.test(await page.locator('#f-meter_no-err').textContent()), 'the refusal');
  await shot(page, 'product-pln');
});

test('a guest checks a PLN postpaid bill, pays the quote with QRIS, and sees the bill on the receipt', async () => {
  const page = phone;
  await page.goto(lapak.base + '/p/pln-pascabayar');
  await page.waitForSelector('#f-customer_no');
  // Paying before checking is not possible: the pay part appears with the quote.
  assert.equal(await page.locator('#pay-part').isVisible(), false);
  // A number the biller has no bill for: its words under the field.
  await page.fill('#f-customer_no', '530000000003');
  await page.locator('#check-bill').click();
  await waitFor(async () => /Gagal/.test(await page.locator('#f-customer_no-err').textContent()), 'the inquiry failure');
  // Two months of bills.
  await page.fill('#f-customer_no', '530000000002');
  await page.locator('#check-bill').click();
  await page.waitForSelector('#bill table.bill-periods');
  assert.equal((await page.locator('#bill-name').textContent()).trim(), 'SUPRIYADI');
  assert.equal(await page.locator('#bill tbody tr').count(), 2);
  assert.match(await page.locator('#bill tbody').textContent(), /\d{8} – \d{8}/, 'the meter readings');
  const quoted = (await page.locator('#bill-total').textContent()).replace(/\D/g, '');
  await page.locator('#channels label', { hasText: 'QRIS' }).click();
  await page.fill('#f-customer_name', 'Sari');
  await page.fill('#f-customer_email', 'sari@example.com');
  await fits(page);
  await shot(page, 'bill');
  await page.locator('#pay-bill').dblclick();
  await page.waitForURL(/\/order\/LPK/);
  const code = page.url().split('/order/')[1];
  const order = (await lapak.api('GET', `/transactions/${code}?email=sari@example.com`)).body;
  assert.equal(String(order.product_price), quoted, 'the order costs what the quote said');
  assert.equal(order.bill.customer_name, 'SUPRIYADI');
  await page.waitForSelector('#pay-link');
  await page.locator('#pay-link').click();
  await page.locator('button.pay').click();
  await page.goto(lapak.base + `/order/${code}`);
  await page.waitForSelector('#sn', { timeout: 20000 });
  assert.equal(await page.locator('#status').getAttribute('data-status'), 'success');
  assert.equal((await page.locator('#receipt-bill-name').textContent()).trim(), 'SUPRIYADI');
  assert.equal(await page.locator('#receipt-bill tbody tr').count(), 2);
  assert.equal((await page.locator('#receipt-bill-period').textContent()).trim(), order.bill.period);
  await fits(page);
  await shot(page, 'bill-receipt');
});

test('buying again for the same number asks first', async () => {
  const page = phone;
  const buy = async () => {
    await page.goto(lapak.base + '/p/xl-pulsa');
    await page.waitForSelector('#f-phone');
    await page.fill('#f-phone', '087877778888');
    await (await itemOf(page, 'xl-pulsa', 'xld20')).click();
    await page.locator('#channels label', { hasText: 'QRIS' }).click();
    await page.fill('#f-customer_name', 'Dedi');
    await page.fill('#f-customer_email', 'dedi@example.com');
    await page.locator('#buy').click();
  };
  await buy();
  await page.waitForURL(/\/order\/LPK/);
  const first = page.url();
  await buy();
  await page.waitForSelector('#confirm-dup');
  assert.match(await page.locator('#form-err').textContent(), /24 hours/);
  assert.ok(page.url().endsWith('/p/xl-pulsa'), 'nothing bought yet');
  await shot(page, 'product-repeat');
  await page.locator('label[for=confirm-dup]').click();
  await page.locator('#buy').click();
  await page.waitForURL(/\/order\/LPK/);
  assert.notEqual(page.url(), first, 'a second order, on purpose');
});
