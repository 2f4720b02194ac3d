// Fetch wrapper for the hub's JSON API, shared by the portal, the login page and the admin pages.
//
//   getJSON(path, options?)               GET, parsed JSON
//   sendJSON(method, path, body, options?) adds X-CSRF-Token from the session (unless options.csrf === false)
//   session({ refresh })                  GET /api/session, cached for the page's lifetime
//
// Errors: a non-2xx answer throws ApiError { status, code, message, field, retryAfter }, read from
// the hub's `{"error":{"code","message","field"?}}` body; no answer within REQUEST_TIMEOUT_MS
// (options.timeoutMs) throws ApiError code `timeout`, an unreachable hub code `network`. A 401
// sends the browser to /login?next=<current page> unless options.redirectOn401 === false (the
// login page itself).

/** A failed API call: HTTP status plus the hub's error code/message/field. */
export class ApiError extends Error {
  constructor(status, code, message, field = null, retryAfter = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
    this.retryAfter = retryAfter;
  }
}

/** How long one API call may take before it fails with code `timeout` (options.timeoutMs overrides). */
export const REQUEST_TIMEOUT_MS = 30000;

let sessionPromise = null;

/** The login URL that brings the user back to the current page afterwards. */
export function loginURL(next = location.pathname + location.search + location.hash) {
  return '/login?next=' + encodeURIComponent(next);
}

/** Sends the browser to the login page (keeping where it was). */
export function redirectToLogin() {
  location.assign(loginURL());
}

async function errorFrom(response) {
  let code = 'http_' + response.status;
  let message = response.statusText || ('HTTP ' + response.status);
  let field = null;
  try {
    const body = await response.json();
    if (body && body.error) {
      code = body.error.code || code;
      message = body.error.message || message;
      field = body.error.field ?? null;
    }
  } catch {
    // not JSON: keep the status text
  }
  const retry = response.headers.get('Retry-After');
  return new ApiError(response.status, code, message, field, retry === null ? null : Number(retry));
}

async function request(method, path, body, options = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && options.csrf !== false) {
    const s = await session();
    if (s && s.csrf_token) headers['X-CSRF-Token'] = s.csrf_token;
  }
  // A hub that accepts the connection but never answers must not leave a tab loading forever.
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  try {
    const response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal,
    });
    if (!response.ok) {
      const error = await errorFrom(response);
      if (response.status === 401 && options.redirectOn401 !== false) {
        sessionPromise = null;
        redirectToLogin();
      }
      throw error;
    }
    if (response.status === 204) return null;
    const text = await response.text();
    return text ? JSON.parse(text) : null;
  } catch (err) {
    if (err instanceof ApiError || err instanceof SyntaxError) throw err;
    if (deadline.aborted) {
      throw new ApiError(0, 'timeout', `the hub did not answer ${method} ${path.split('?')[0]} within ${timeoutMs / 1000} s`);
    }
    if (err && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', 'cannot reach the hub: ' + (err && err.message ? err.message : err));
  }
}

/** GET `path` and return its JSON body. */
export function getJSON(path, options = {}) {
  return request('GET', path, undefined, options);
}

/** `method` `path` with a JSON body (omit body with `undefined`); returns the JSON answer or null (204). */
export function sendJSON(method, path, body, options = {}) {
  return request(method.toUpperCase(), path, body, options);
}

/** The signed-in user (GET /api/session), fetched once and cached; `{refresh:true}` refetches. */
export function session({ refresh = false, redirectOn401 = true } = {}) {
  if (refresh || !sessionPromise) {
    sessionPromise = request('GET', '/api/session', undefined, { redirectOn401 });
    sessionPromise.catch(() => { sessionPromise = null; });
  }
  return sessionPromise;
}

/** Forgets the cached session (after logout or a 401). */
export function clearSession() {
  sessionPromise = null;
}

/** POST /logout with the CSRF token, then go to the login page. */
export async function logout() {
  try {
    await sendJSON('POST', '/logout', undefined, { redirectOn401: false });
  } finally {
    clearSession();
    location.assign('/login');
  }
}
