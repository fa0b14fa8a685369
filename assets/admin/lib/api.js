// The one way the console talks to lapak: /api/v1. The session is an HttpOnly cookie
// (set by POST /admin/session, sent by the browser to /api/v1/admin only): no script can
// read it, a reload keeps it. Every state-changing call carries the CSRF token lapak gave
// this page, which another site cannot know.

const API = '/api/v1';
let csrf = null;
let user = null;
let onSessionEnd = () => {};

export const session = {
  get active() { return csrf !== null; },
  get user() { return user; },
  /** Remembers the session lapak answered (login or a reload's GET /admin/session). */
  start(s) { csrf = s.csrf_token; user = s.user; },
  end() { csrf = null; user = null; },
  /** Called with a reason when lapak says the session no longer works. */
  onEnd(fn) { onSessionEnd = fn; },
};

export class ApiError extends Error {
  constructor(status, body) { super(body?.message || `HTTP ${status}`); this.status = status; this.body = body; }
}

export async function api(method, path, body, { raw = false, form = null, quiet401 = false } = {}) {
  const headers = {};
  if (csrf && method !== 'GET') headers['x-csrf-token'] = csrf;
  let payload;
  if (form) payload = form;
  else if (body !== undefined) { headers['content-type'] = 'application/json'; payload = JSON.stringify(body); }
  const res = await fetch(API + path, { method, headers, body: payload, credentials: 'same-origin' });
  if (res.status === 401 && !quiet401) {
    const was = csrf !== null;
    csrf = null; user = null;
    if (was) onSessionEnd('Your session ended (idle too long, logged out elsewhere, or the account changed). Log in again.');
    throw new ApiError(401, { message: 'session ended; log in again' });
  }
  if (raw) { if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => null)); return res; }
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (_) { data = { message: text.slice(0, 200) }; }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}
