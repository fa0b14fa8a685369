// Shared by the browser tests: a demo-mode lapak on a free port, and Debian's Chromium.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const bin = process.env.E2E_LAPAK_BIN || path.join(here, '..', '..', 'target', 'debug', 'lapak');
export const artifacts = path.join(here, 'artifacts');

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const freePort = () => new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
});

export async function waitFor(check, what, ms = 30000) {
  const end = Date.now() + ms;
  while (Date.now() < end) { const v = await check(); if (v) return v; await sleep(200); }
  throw new Error(`timed out waiting for ${what}`);
}

/** Starts `lapak serve` in demo mode in a new folder, with an admin
 * (admin@example.com / e2e-admin-pass); resolves when its catalog is in. */
export async function startLapak(extraEnv = {}) {
  fs.mkdirSync(artifacts, { recursive: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lapak-e2e-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = { ...process.env, LAPAK_SERVER__HOST: '127.0.0.1', LAPAK_SERVER__PORT: String(port), LAPAK_SERVER__PUBLIC_URL: base,
    LAPAK_LOG__LEVEL: 'warn', LAPAK_ORDERS__RECHECK_MIN_SECS: '1', ...extraEnv };
  delete env.RUST_LOG;
  const made = spawnSync(bin, ['create-admin', '--email', 'admin@example.com', '--password-stdin'], { cwd: dir, env, input: 'e2e-admin-pass\n' });
  if (made.status !== 0) throw new Error(`create-admin: ${made.stderr}`);
  // Its log (mails go there when no SMTP server is set) is kept in the folder.
  const logFile = path.join(dir, 'lapak.log');
  const server = spawn(bin, ['serve'], { cwd: dir, env, stdio: ['ignore', 'ignore', fs.openSync(logFile, 'a')] });
  const log = () => fs.readFileSync(logFile, 'utf8');
  const api = async (method, p, body, token) => {
    const headers = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(base + '/api/v1' + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  await waitFor(async () => { try { return (await fetch(base + '/healthz')).ok; } catch { return false; } }, 'lapak to start');
  await waitFor(async () => (await api('GET', '/products')).body.meta.total > 0, 'the demo catalog');
  const admin = (await api('POST', '/auth/login', { identifier: 'admin@example.com', password: 'e2e-admin-pass' })).body.token;
  const stop = () => { server.kill('SIGTERM'); fs.rmSync(dir, { recursive: true, force: true }); };
  return { base, api, admin, stop, dir, env, log };
}

export function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
}
