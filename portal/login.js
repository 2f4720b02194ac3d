// Login page: posts {email, password} as JSON to POST /login and, on success, goes to `next`
// (same-origin paths only) or the portal. Error messages from the server are shown verbatim, as text.
// The theme (the portal's saved choice) is applied by app/theme-init.js before first paint.
// Deliberately not through app/api.js: a 401 here means "wrong password", not "go to the login page".

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

/** The server's error message from a failed POST /login, or a generic one naming the status. */
async function errorMessage(response) {
  try {
    const body = await response.json();
    if (body && body.error && typeof body.error.message === 'string' && body.error.message) {
      return body.error.message;
    }
  } catch {
    // not JSON (a proxy page): fall through
  }
  return `Sign-in failed (HTTP ${response.status}). Try again in a moment.`;
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
    const response = await fetch('/login', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    if (response.ok) {
      const next = new URLSearchParams(window.location.search).get('next');
      window.location.assign(safeNext(next));
      return;
    }
    showError(box, await errorMessage(response));
    form.elements.password.value = '';
    form.elements.password.focus();
  } catch {
    showError(box, 'The hub could not be reached. Check your connection and try again.');
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
