// JSON client for /api/v1: bearer token, uniform errors, 401 → login page.
import { getToken, clearSession, toLogin } from './session.js';

export const API_BASE = '/api/v1';

// An error from the API ({"error":{"code","message","field"}}) or the network.
export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message || code || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status; // 0 for network failures
    this.code = code || '';
    this.field = field || '';
  }
}

async function parseError(res) {
  let body = null;
  try {
    body = await res.json();
  } catch {
    /* not JSON: keep the status only */
  }
  const e = body && body.error ? body.error : {};
  return new ApiError(res.status, e.code, e.message || res.statusText, e.field);
}

// Builds "?a=1&b=2" from an object, skipping empty values.
export function query(params) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  }
  const s = qs.toString();
  return s ? '?' + s : '';
}

/**
 * request('GET', '/staff', {params, body, signal, auth})
 * auth=false sends no token and does not redirect on 401 (used by login).
 */
export async function request(method, path, opts = {}) {
  const { params, body, signal, auth = true } = opts;
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const token = auth ? getToken() : '';
  if (token) headers.Authorization = 'Bearer ' + token;
  let res;
  try {
    res = await fetch(API_BASE + path + query(params), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
      cache: 'no-store',
    });
  } catch (err) {
    if (err && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', err && err.message ? err.message : 'network error');
  }
  if (res.status === 401 && auth) {
    clearSession();
    toLogin('expired');
    throw await parseError(res);
  }
  if (!res.ok) throw await parseError(res);
  if (res.status === 204) return null;
  const type = res.headers.get('Content-Type') || '';
  return type.includes('json') ? res.json() : res.text();
}

export const api = {
  get: (path, params, opts) => request('GET', path, { ...opts, params }),
  post: (path, body, opts) => request('POST', path, { ...opts, body }),
};

export async function login(username, password) {
  return request('POST', '/auth/login', { body: { username, password }, auth: false });
}

// Ends the session on the server (best effort) and locally, then shows login.
export async function logout() {
  try {
    await request('POST', '/auth/logout', { body: {}, auth: true });
  } catch {
    /* the local session ends regardless */
  }
  clearSession();
  location.replace('index.html');
}

// URL for the server-sent event stream (EventSource cannot send headers).
export function liveUrl() {
  return `${API_BASE}/live?access_token=${encodeURIComponent(getToken())}`;
}
