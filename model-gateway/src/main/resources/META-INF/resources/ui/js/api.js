// Every data call goes to the gateway that served this page (same origin) with the master key in a header.
import { savedKey } from './session.js';

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

let onUnauthorized = () => {};

/** Called with the error when a call is refused with 401 (the key changed or was wrong). */
export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

function describe(status, path, body) {
  const message = body && body.error && (body.error.message || body.error);
  if (status === 404) {
    return `This gateway does not serve ${path.split('?')[0]} (404). `
      + 'It needs cost-tracker connected (COST_TRACKER_URL) and a version with the admin routes.';
  }
  if (status === 502 || status === 503 || status === 504) {
    return `cost-tracker did not answer (${status})${message ? ': ' + message : ''}. Is it running?`;
  }
  return message ? String(message) : `HTTP ${status}`;
}

/** Sends a request; resolves to {body, headers}; rejects with ApiError carrying the service's own message. */
export async function call(method, path, { body, key, raw } = {}) {
  const headers = { authorization: `Bearer ${key || savedKey() || ''}` };
  const init = { method, headers, cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer' };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'The gateway cannot be reached: ' + e.message);
  }
  const text = await response.text();
  let parsed = null;
  if (text && !raw) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
  }
  if (!response.ok) {
    const error = new ApiError(response.status, describe(response.status, path, parsed), parsed);
    if (response.status === 401 && !key) {
      onUnauthorized(error);
    }
    throw error;
  }
  return { body: raw ? text : parsed, headers: response.headers };
}

export const get = (path, options) => call('GET', path, options).then((r) => r.body);
export const post = (path, body) => call('POST', path, { body }).then((r) => r.body);

/** Query string from an object, leaving out empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') {
      q.set(k, v);
    }
  }
  const s = q.toString();
  return s ? '?' + s : '';
}
