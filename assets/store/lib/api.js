// The storefront's way to lapak: /api/v1, with a member's token when logged in (kept in
// localStorage so a buyer stays logged in; the page's CSP allows scripts from lapak only).

const API = '/api/v1';

export const session = {
  get token() { return localStorage.getItem('token'); },
  start(token) { localStorage.setItem('token', token); },
  end() { localStorage.removeItem('token'); },
};

export class ApiError extends Error {
  constructor(status, body) { super(body?.message || `HTTP ${status}`); this.status = status; this.body = body; }
}

export async function api(method, path, body, headers = {}) {
  const h = { ...headers };
  if (session.token) h.authorization = `Bearer ${session.token}`;
  if (body !== undefined) h['content-type'] = 'application/json';
  const res = await fetch(API + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 401 && session.token) session.end();
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}
