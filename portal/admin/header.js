// The admin header: signed-in user, theme toggle, logout (POST /logout with the CSRF token via
// app/api.js) and the section navigation. Consistent with the portal's header bar.

import { logout } from '../app/api.js';
import { text } from '../app/dom.js';
import { savedTheme, applyTheme, saveTheme } from './theme.js';

const $ = (id) => document.getElementById(id);

function showThemeButton(theme) {
  const button = $('theme-toggle');
  text(button, theme === 'dark' ? 'Light mode' : 'Dark mode');
  button.setAttribute('aria-pressed', String(theme === 'dark'));
}

/** Applies the saved theme and wires the toggle and logout buttons. */
export function initHeader() {
  const theme = savedTheme();
  applyTheme(theme);
  showThemeButton(theme);
  $('theme-toggle').addEventListener('click', () => {
    const next = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
    saveTheme(next);
    showThemeButton(next);
  });
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
