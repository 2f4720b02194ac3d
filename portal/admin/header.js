// The admin header: signed-in user, theme toggle, logout (POST /logout with the CSRF token via
// app/api.js) and the section navigation. Consistent with the portal's header bar.

import { logout } from '../app/api.js';
import { text } from '../app/dom.js';
import { bindThemeToggle } from '../app/theme.js';
import { $ } from './ui.js';

/** Wires the theme toggle (the portal's app/theme.js; theme-init.js applied the saved theme) and logout. */
export function initHeader() {
  bindThemeToggle($('theme-toggle'));
  $('logout-button').addEventListener('click', async () => {
    $('logout-button').disabled = true;
    await logout();
  });
}

/** Shows who is signed in: "Name (role)" with the email as a tooltip. */
export function showUser(session) {
  const label = $('session-user');
  text(label, `${session.name || session.email} (${session.role})`);
  label.title = session.email;
}

/** Marks the nav link of `section` as current. */
export function markSection(section) {
  for (const link of document.querySelectorAll('#admin-nav a')) {
    if (link.dataset.section === section) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}
