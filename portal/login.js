// Login page: posts {email, password} as JSON to POST /login and, on success, goes to `next`
// (same-origin paths only) or the portal. Error messages from the server are shown verbatim, as text.
// The theme (the portal's saved choice) is applied by app/theme-init.js before first paint.
// Through app/api.js without its CSRF header (there is no session yet) and without its 401 redirect:
// a 401 here means "wrong password", not "go to the login page".

import { ApiError, sendJSON } from './app/api.js';

const DEFAULT_TARGET = '/portal/';

/**
 * The page to open after signing in: `raw` when it is a same-origin path ("/admin", "/portal/#alarms"),
 * otherwise the portal. Rejects absolute and protocol-relative URLs ("https://x", "//x", "/\\x"),
 * anything the URL parser resolves to another origin, and the login page itself.
 */
export function safeNext(raw, origin = window.location.origin) {
  if (typeof raw !== 'string' || !raw.startsWith('/') || raw.startsWith('//') || raw.includes('\\')) {
    return DEFAULT_TARGET;
  }
  if (/[\u0000-\u001f\u007f]/.test(raw)) return DEFAULT_TARGET;
  let url;
  try {
    url = new URL(raw, origin);
  } catch {
    return DEFAULT_TARGET;
  }
  if (url.origin !== origin || url.pathname === '/login') return DEFAULT_TARGET;
  return url.pathname + url.search + url.hash;
}

/**
 * The server's error message from a failed POST /login, or a generic one naming the status when the
 * answer was not the hub's JSON error (api.js then leaves the code at `http_<status>`).
 */
function errorMessage(err) {
  if (err.code !== `http_${err.status}` && err.message) return err.message;
  return `Sign-in failed (HTTP ${err.status}). Try again in a moment.`;
}

function showError(box, text) {
  box.textContent = text;
  box.hidden = false;
}

async function submit(event, form, box, button) {
  event.preventDefault();
  const email = form.elements.email.value.trim();
  const password = form.elements.password.value;
  if (!email || !password) {
    showError(box, 'Enter your email and password.');
    (email ? form.elements.password : form.elements.email).focus();
    return;
  }
  button.disabled = true;
  box.hidden = true;
  try {
    await sendJSON('POST', '/login', { email, password }, { csrf: false, redirectOn401: false });
    const next = new URLSearchParams(window.location.search).get('next');
    window.location.assign(safeNext(next));
  } catch (err) {
    if (err instanceof ApiError && err.status !== 0) {
      showError(box, errorMessage(err));
      form.elements.password.value = '';
      form.elements.password.focus();
    } else {
      showError(box, 'The hub could not be reached. Check your connection and try again.');
    }
  } finally {
    button.disabled = false;
  }
}

function start() {
  const form = document.getElementById('login-form');
  if (!form) return;
  const box = document.getElementById('login-error');
  const button = document.getElementById('login-submit');
  form.addEventListener('submit', (event) => submit(event, form, box, button));
}

start();
