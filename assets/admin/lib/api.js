// The one way the console talks to lapak: /api/v1 with the bearer token, which lives
// in this module's memory only (a reload asks to log in again).

const API = '/api/v1';
let token = null;
let onSessionEnd = () => {};

export const session = {
  get token() { return token; },
  start(t) { token = t; },
  end() { token = null; },
  /** Called when lapak says the token no longer works. */
  onEnd(fn) { onSessionEnd = fn; },
};

export class ApiError extends Error {
  constructor(status, body) { super(body?.message || `HTTP ${status}`); this.status = status; this.body = body; }
}

export async function api(method, path, body, { raw = false, form = null } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  let payload;
  if (form) payload = form;
  else if (body !== undefined) { headers['content-type'] = 'application/json'; payload = JSON.stringify(body); }
  const res = await fetch(API + path, { method, headers, body: payload });
  if (res.status === 401 && token) { onSessionEnd(); throw new ApiError(401, { message: 'session ended; log in again' }); }
  if (raw) { if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => null)); return res; }
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}
